import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { receiveEmail } from "../../src/email/inbound";
import type { EmailLimits } from "../../src/email/parse";
import type { Env } from "../../src/env";
import { admin } from "./http";
import { createOrg, type TestOrg } from "./orgs";

const FIXTURES = import.meta.glob("../email/fixtures/*.eml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

let domains = 0;

/** An organization with the email channel on, at a support address of a domain no other test uses. */
export const emailOrg = async (
  settings: { fromName?: string; autoAcknowledge?: boolean } = {},
  org: { slackWebhookUrl?: string; shard?: number } = {},
): Promise<TestOrg & { domain: string; address: string }> => {
  const created = await createOrg({ name: "Acme", ...org });
  const domain = `acme-${++domains}-${crypto.randomUUID().slice(0, 8)}.example`;
  const address = `support@${domain}`;
  const res = await admin("PATCH", `/admin/organizations/${created.id}`, { email: { addresses: [address], ...settings } });
  if (res.status !== 200) throw new Error(`email settings failed: ${res.status} ${res.text}`);
  return { ...created, domain, address };
};

/**
 * A fixture from test/email/fixtures/ as the raw message Email Routing hands over: CRLF line ends
 * (SMTP's), `acme.example` replaced by the test's domain and each `{{NAME}}` by `values.NAME`.
 */
export const fixture = (name: string, domain: string, values: Record<string, string> = {}) => {
  const text = FIXTURES[`../email/fixtures/${name}.eml`];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return text
    .replace(/acme\.example/g, domain)
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      if (values[key] === undefined) throw new Error(`fixture ${name} needs ${key}`);
      return values[key];
    })
    .replace(/\r?\n/g, "\r\n");
};

/** The envelope sender of a fixture: its From header's address (Email Routing passes the SMTP MAIL FROM). */
const envelopeFrom = (raw: string) => /^From:.*?<?([^\s<>]+@[^\s<>)]+)>?/im.exec(raw)?.[1] ?? "";

/**
 * Hands a raw message to the worker's email handler as Email Routing would: a ForwardableEmailMessage
 * with the envelope, the raw stream and its size, and a setReject that the test reads back.
 * `to` is the envelope recipient (defaults to the To header's first address); `limits` replaces EMAIL_LIMITS.
 */
export const deliverEmail = async (
  raw: string | Uint8Array,
  opts: { to?: string; from?: string; env?: Partial<Env>; limits?: EmailLimits } = {},
) => {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const text = typeof raw === "string" ? raw : new TextDecoder("latin1").decode(raw);
  const to = opts.to ?? /^To:.*?<?([^\s<>",]+@[^\s<>",]+)>?\s*$/im.exec(text)?.[1] ?? "";
  let rejected: string | undefined;
  const message = {
    from: opts.from ?? envelopeFrom(text),
    to,
    headers: new Headers(),
    raw: new Response(bytes).body!,
    rawSize: bytes.byteLength,
    setReject: (reason: string) => {
      rejected = reason;
    },
    forward: () => Promise.reject(new Error("forward is not used")),
    reply: () => Promise.reject(new Error("reply is not used")),
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  // Other bounds than the worker's own go to the handler itself (the worker's entry always passes EMAIL_LIMITS).
  if (opts.limits) await receiveEmail(message, { ...env, ...opts.env } as Env, ctx, opts.limits);
  else await worker.email(message, { ...env, ...opts.env } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return { rejected };
};
