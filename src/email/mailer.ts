import { EmailMessage } from "cloudflare:email";

/** One composed email for the platform: the envelope (from, to) and the RFC 5322 message. */
export type OutboundMail = { from: string; to: string; raw: string };

/**
 * How the email job sends: the boundary tests replace (PipelineDeps.mailer) to keep the exact bytes.
 * `messageId` is the Message-ID the platform sent the email with (it may assign its own).
 */
export type Mailer = { send(mail: OutboundMail): Promise<{ messageId: string }> };

/**
 * The production mailer: the `send_email` binding with a raw `EmailMessage` (cloudflare:email),
 * never the binding's object form, so every header we set, threading included, is what goes out
 * (and what `wrangler dev` writes to its .eml file). Limits: Email Service's
 * (https://developers.cloudflare.com/email-service/platform/limits/): 5 MiB a message, 16 KB of
 * headers, a 998-character subject, 50 recipients.
 */
export const sendEmailMailer = (binding: SendEmail): Mailer => ({
  send: async ({ from, to, raw }) => {
    const result = await binding.send(new EmailMessage(from, to, raw));
    return { messageId: result.messageId };
  },
});
