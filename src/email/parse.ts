import type { Email } from "postal-mime";
import { isUsableAddress } from "./address";
import { htmlToText } from "./html-text";
import { toHex } from "../lib/crypto";

/**
 * Bounds on what one inbound mail may cost. Email Routing accepts messages up to 25 MiB
 * (https://developers.cloudflare.com/email-routing/limits/); the parser holds the raw message and
 * its decoded parts in memory at once, and a Worker has 128 MB
 * (https://developers.cloudflare.com/workers/platform/limits/#memory), so we refuse more than 10 MiB raw.
 */
export const EMAIL_LIMITS = {
  rawBytes: 10 * 1024 * 1024,
  attachments: 20,
  attachmentBytes: 10 * 1024 * 1024,
  /** A ticket title is at most 255 characters (createTicket's bound). */
  title: 255,
  /** A stored message is at most this long, like an API message (LIMITS.messageContent). */
  content: 10_000,
} as const;

/** A byte count as people write it: `10 MiB`, `64 KiB`, `70 bytes`. */
export const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${+(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} bytes`;

export type EmailLimits = { [K in keyof typeof EMAIL_LIMITS]: number };

export type InboundAttachment = { filename: string; contentType: string; content: Uint8Array };

export type InboundMail = {
  /** Without angle brackets; `sha256:<hex>` of the raw bytes when the mail has none. */
  messageId: string;
  subject: string;
  from: { address: string; name: string | null };
  /** Message-IDs named by In-Reply-To and References, newest (In-Reply-To) first. */
  thread: string[];
  text: string;
  /** Auto-Submitted, Precedence, X-Autoreply…: mail a machine sent, which we never answer. */
  automated: boolean;
  /** A delivery-status report: the Message-IDs of the original it names (ours, if it bounced one of our replies). */
  bounce: { originalIds: string[] } | null;
  attachments: InboundAttachment[];
  /** Attachments left out (over the count or size bound), by name, for the stored message to say so. */
  skipped: string[];
};

export type ParseResult = { kind: "ok"; mail: InboundMail } | { kind: "reject"; reason: string };

const header = (mail: Email, key: string) => mail.headers.find((h) => h.key === key)?.value.trim();

/** Every `<id>` in a header value, brackets removed. */
const messageIds = (value: string | undefined) => [...(value ?? "").matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);

const MESSAGE_HEADERS = new Set(["from", "to", "subject", "date", "message-id"]);
const AUTOMATED_PRECEDENCE = new Set(["bulk", "junk", "list", "auto_reply"]);
const SYSTEM_SENDER = /^(mailer-daemon|postmaster)@/i;

/** RFC 3834's Auto-Submitted, Precedence and the common vendor headers; system senders too. */
const isAutomated = (mail: Email, sender: string) => {
  const autoSubmitted = header(mail, "auto-submitted")?.toLowerCase();
  if (autoSubmitted && autoSubmitted !== "no") return true;
  const precedence = header(mail, "precedence")?.toLowerCase();
  if (precedence && AUTOMATED_PRECEDENCE.has(precedence)) return true;
  if (header(mail, "x-autoreply") !== undefined || header(mail, "x-autorespond") !== undefined) return true;
  return SYSTEM_SENDER.test(sender);
};

/**
 * A bounce: a multipart/report of type delivery-status (RFC 3464). The
 * original's Message-ID is in the returned headers inside it; the parser renders those as text, so
 * the raw bytes are searched (message/rfc822 and text/rfc822-headers parts are not base64-encoded).
 */
const bounceOf = (mail: Email, raw: ArrayBuffer, ownId: string | undefined) => {
  const type = header(mail, "content-type")?.toLowerCase() ?? "";
  // Only a delivery-status report is a bounce: a person writing from postmaster@ still gets a ticket
  // (never answered automatically: that sender is `automated`).
  if (!(type.startsWith("multipart/report") && type.includes("delivery-status"))) return null;
  const text = new TextDecoder("latin1").decode(raw);
  const originalIds = [...text.matchAll(/^message-id:[ \t]*<([^<>\s]+)>/gim)].map((m) => m[1]!).filter((id) => id !== ownId);
  return { originalIds: [...new Set(originalIds)] };
};

/** The mail's text: the plain part, else its HTML as text, CRLF as LF, trimmed. */
const bodyText = (mail: Email) => (mail.text ?? (mail.html ? htmlToText(mail.html) : "")).replace(/\r\n?/g, "\n").trim();

const asBytes = (content: ArrayBuffer | Uint8Array | string) =>
  typeof content === "string" ? new TextEncoder().encode(content) : content instanceof Uint8Array ? content : new Uint8Array(content);

/**
 * Parses one raw RFC 5322 message with postal-mime (the parser Cloudflare's own Email Workers
 * tooling uses: RFC 2047 words, charsets, quoted-printable and base64, multipart/alternative,
 * HTML-only mail as text). Rejects, with the reason the sender will read, mail we cannot take.
 */
export const parseMail = async (raw: ArrayBuffer, envelopeFrom: string, limits: EmailLimits = EMAIL_LIMITS): Promise<ParseResult> => {
  if (raw.byteLength > limits.rawBytes) {
    return { kind: "reject", reason: `Message too large: at most ${formatBytes(limits.rawBytes)}` };
  }
  // Loaded with the first mail, not by isolates that only answer HTTP requests.
  const { default: PostalMime } = await import("postal-mime");
  let mail: Email;
  try {
    mail = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
  } catch {
    return { kind: "reject", reason: "Unparseable message" };
  }
  // The parser takes anything; a message has at least one of the headers every mail carries.
  if (!mail.headers.some((h) => MESSAGE_HEADERS.has(h.key))) return { kind: "reject", reason: "Unparseable message: no RFC 5322 header" };
  const fromHeader = mail.from && "address" in mail.from ? mail.from : undefined;
  // The From header's mailbox; the envelope sender only when the header has none (never for a bounce's empty one).
  const address = (fromHeader?.address ?? envelopeFrom).trim().toLowerCase();
  if (!isUsableAddress(address)) return { kind: "reject", reason: "No usable sender address" };
  const ownId = messageIds(mail.messageId)[0];
  const kept: InboundAttachment[] = [];
  const skipped: string[] = [];
  for (const [i, a] of mail.attachments.entries()) {
    const content = asBytes(a.content);
    const filename = (a.filename ?? `attachment-${i + 1}`).slice(0, 255);
    if (kept.length >= limits.attachments || content.byteLength > limits.attachmentBytes) skipped.push(filename);
    else kept.push({ filename, contentType: a.mimeType || "application/octet-stream", content });
  }
  return {
    kind: "ok",
    mail: {
      messageId: ownId ?? `sha256:${toHex(await crypto.subtle.digest("SHA-256", raw))}`,
      subject: (mail.subject ?? "").replace(/\s+/g, " ").trim(),
      from: { address, name: fromHeader?.name.replace(/\s+/g, " ").trim() || null },
      thread: [...new Set([...messageIds(mail.inReplyTo), ...messageIds(mail.references).reverse()])],
      text: bodyText(mail),
      automated: isAutomated(mail, address),
      bounce: bounceOf(mail, raw, ownId),
      attachments: kept,
      skipped,
    },
  };
};
