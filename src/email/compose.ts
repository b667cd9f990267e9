import { createMimeMessage, Mailbox } from "mimetext/browser";

/**
 * Outbound email as a complete RFC 5322 message, built with mimetext (its browser entry: no Node
 * Buffer, which workerd lacks). mimetext encodes display names and the subject as RFC 2047
 * base64, but writes custom headers (In-Reply-To, References, Auto-Submitted) and addresses as
 * given, and the body as given. So nothing reaches a header unchecked: every text is stripped of
 * control characters (CR and LF above all: a line break in a header starts a new header, which is
 * how "Bcc: …" gets injected), every address and Message-ID must match a strict pattern or is
 * refused, and the body is base64-encoded here. mimetext writes a whole value as one encoded word;
 * RFC 2047 (2) allows at most 75 characters per word, so the subject and names are written as
 * folded words of our own (`encodedWords`) through mimetext's header fields' `dump`.
 */

export type ComposeInput = {
  kind: "acknowledgement" | "reply";
  /** The job's id: the Message-ID's left part, so a retried send carries the same Message-ID. */
  jobId: string;
  ticketId: string;
  title: string;
  from: { address: string; name: string };
  to: { address: string; name: string | null };
  /** The ticket's reply token, the `+tag` of Reply-To; null: Reply-To is the plain address. */
  replyToken: string | null;
  /** The agent messages of a reply, in order (unused for the acknowledgement). */
  messages: string[];
  /** Message-IDs without angle brackets: the one answered, and the thread's (oldest first). */
  inReplyTo: string | undefined;
  references: string[];
  date: Date;
};

export type ComposedEmail = { from: string; to: string; messageId: string; raw: string };

/** Why an email cannot be composed: nothing a retry changes. */
export class ComposeError extends Error {}

// Printable ASCII without space, quotes, angle brackets, parentheses, commas, semicolons, backslash,
// brackets or "@" in the local part: an address that needs no quoting, so it goes into a header as is.
// (Internationalized addresses, which need SMTPUTF8, are refused rather than risked.)
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
// RFC 5322's msg-id without its angle brackets, in the dot-atom form senders use: visible ASCII but
// "<", ">" and "@" on either side of the one "@". Anything else (a digest key of a mail that had
// none) is left out of the threading headers.
const MESSAGE_ID = /^[!-;=?A-~]{1,200}@[!-;=?A-~]{1,200}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
// C0 (CR and LF among them), DEL, C1, and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** An address as a header may carry it, or null. */
export const safeAddress = (address: string | null | undefined): string | null =>
  address && ADDRESS.test(address) && address.length <= 254 ? address : null;

export const safeMessageId = (id: string | null | undefined): string | null => (id && MESSAGE_ID.test(id) ? id : null);

/**
 * Header text from user text: control characters (C0, DEL, C1, and the Unicode line and paragraph
 * separators some parsers break on) become spaces, runs of spaces one, ends trimmed; then clipped
 * to `maxBytes` of UTF-8 (with an ellipsis), so a header stays a few lines long whatever it is given.
 */
export const headerText = (text: string, maxBytes: number): string => {
  const flat = text.replace(CONTROL, " ").replace(/ {2,}/g, " ").trim();
  const encoder = new TextEncoder();
  if (encoder.encode(flat).length <= maxBytes) return flat;
  let out = "";
  let bytes = 0;
  for (const char of flat) {
    const size = encoder.encode(char).length;
    if (bytes + size > maxBytes - 3) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
};

// Bounds on what a header carries, whatever the title's or name's length (the title is at most 255
// characters already): a few lines of folded words each.
const SUBJECT_BYTES = 700;
const NAME_BYTES = 450;

/** The UTF-8 bytes an encoded word holds: "=?utf-8?B?" + 60 base64 characters + "?=" is 72, within RFC 2047's 75. */
const WORD_BYTES = 45;

/**
 * Text as RFC 2047 base64 encoded words of at most 75 characters, each holding whole characters
 * (a word must decode on its own), folded one per line: decoders drop the whitespace between
 * adjacent encoded words, so the text comes back whole.
 */
export const encodedWords = (text: string): string => {
  const encoder = new TextEncoder();
  const words: string[] = [];
  let word = "";
  let bytes = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (bytes + size > WORD_BYTES) {
      words.push(word);
      word = "";
      bytes = 0;
    }
    word += char;
    bytes += size;
  }
  if (word) words.push(word);
  const base64 = (w: string) => btoa(String.fromCharCode(...encoder.encode(w)));
  return words.map((w) => `=?utf-8?B?${base64(w)}?=`).join("\r\n ");
};

const mailboxText = (m: Mailbox) => (m.name ? `${encodedWords(m.name)} <${m.addr}>` : `<${m.addr}>`);

/** Makes mimetext write the subject and the mailboxes' names as folded encoded words. */
const foldEncodedWords = (msg: ReturnType<typeof createMimeMessage>) => {
  for (const field of msg.headers.fields) {
    if (field.name === "Subject") field.dump = (v) => (typeof v === "string" ? encodedWords(v) : "");
    if (field.name === "From" || field.name === "Reply-To" || field.name === "To")
      field.dump = (v) => (v instanceof Mailbox ? mailboxText(v) : Array.isArray(v) ? v.map(mailboxText).join(",\r\n ") : "");
  }
};

/** `Re: <title>`, unless the title already is a reply's. */
export const subjectOf = (title: string) => {
  const clean = headerText(title, SUBJECT_BYTES - 4);
  return /^re:/i.test(clean) ? clean : `Re: ${clean || "(no subject)"}`;
};

/** The reply address: the send-from address with the ticket's token as `+tag` (support+<token>@acme.example). */
export const replyAddress = (from: string, token: string | null) => {
  if (!token || !TOKEN.test(token)) return from;
  const at = from.lastIndexOf("@");
  return `${from.slice(0, at)}+${token}${from.slice(at)}`;
};

/** RFC 5322 3.3 date-time, in UTC. */
const rfc5322Date = (date: Date) => date.toUTCString().replace(/GMT$/, "+0000");

/** Text in CRLF lines (the canonical form of text/plain), base64 in lines of 76 (RFC 2045 6.8). */
const base64Body = (text: string) => {
  const bytes = new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return (btoa(binary).match(/.{1,76}/g) ?? []).join("\r\n");
};

/** The plain-text body: the acknowledgement's fixed text, or the agent's messages with a footer. */
export const bodyOf = (input: ComposeInput) => {
  const footer = `--\nTicket ${input.ticketId}. Reply to this email to add to it.`;
  // Anyone can send mail under any From address, so the acknowledgement repeats nothing the sender
  // wrote (no name, no title in its body): it cannot carry a stranger's text to a forged address.
  if (input.kind === "acknowledgement")
    return [
      "Hello,",
      "",
      `We have received your request and opened ticket ${input.ticketId} for it. We will answer you by email.`,
      "",
      "To add anything to your request, reply to this email: your reply is added to the ticket.",
      "",
      input.from.name,
      footer,
      "",
    ].join("\n");
  return `${input.messages.join("\n\n")}\n\n${footer}\n`;
};

/**
 * The email as RFC 5322 text: From `"<fromName>" <address>`, To the customer, Reply-To with the
 * ticket's token, `Re: <title>`, Message-ID `<jobId@domain>` (the same on every retry), threading
 * headers, `Auto-Submitted: auto-replied` on the acknowledgement (RFC 3834: automatic answers say
 * so, and an auto-responder on the customer's side must not answer it), and a text/plain UTF-8
 * body in base64. Throws ComposeError when an address cannot be used.
 */
export const composeEmail = (input: ComposeInput): ComposedEmail => {
  const from = safeAddress(input.from.address?.toLowerCase());
  if (!from) throw new ComposeError("the organization's send-from address is not a usable email address");
  const to = safeAddress(input.to.address);
  if (!to) throw new ComposeError("the customer has no usable email address");
  const domain = from.slice(from.lastIndexOf("@") + 1);
  const messageId = `${input.jobId.replace(/[^A-Za-z0-9._-]/g, "")}@${domain}`;

  const msg = createMimeMessage();
  foldEncodedWords(msg);
  msg.setHeader("Date", rfc5322Date(input.date));
  msg.setSender({ addr: from, name: headerText(input.from.name, NAME_BYTES) });
  msg.setHeader("Reply-To", new Mailbox({ addr: replyAddress(from, input.replyToken) }));
  const toName = input.to.name ? headerText(input.to.name, NAME_BYTES) : "";
  msg.setTo(toName ? { addr: to, name: toName } : { addr: to });
  msg.setHeader("Message-ID", `<${messageId}>`);
  msg.setSubject(subjectOf(input.title));
  const inReplyTo = safeMessageId(input.inReplyTo);
  if (inReplyTo) msg.setHeader("In-Reply-To", `<${inReplyTo}>`);
  const references = [...new Set(input.references.map(safeMessageId).filter((id): id is string => id !== null))];
  // One Message-ID per folded line, so the header stays within 998 characters a line.
  if (references.length > 0) msg.setHeader("References", references.map((id) => `<${id}>`).join("\r\n "));
  if (input.kind === "acknowledgement") msg.setHeader("Auto-Submitted", "auto-replied");
  msg.addMessage({ contentType: "text/plain", charset: "UTF-8", encoding: "base64", data: base64Body(bodyOf(input)) });
  return { from, to, messageId, raw: msg.asRaw() };
};
