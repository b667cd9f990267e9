import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import { ComposeError, composeEmail, headerText, type ComposeInput } from "../../src/email/compose";

const JOB = "0193f1e2-7a00-7000-8000-000000000001";
const TICKET = "0193f1e2-7a00-7000-8000-0000000000aa";

const acknowledgement: ComposeInput = {
  kind: "acknowledgement",
  jobId: JOB,
  ticketId: TICKET,
  title: "Printer jam",
  from: { address: "support@acme.example", name: "Acme Support" },
  to: { address: "pat@example.com", name: "Pat" },
  replyToken: "tok123",
  messages: [],
  inReplyTo: "in-1@mail.example.com",
  references: ["in-1@mail.example.com"],
  date: new Date("2026-12-02T16:00:00.000Z"),
};

const reply: ComposeInput = {
  ...acknowledgement,
  kind: "reply",
  messages: ["Grüße! Please restart the printer — 再起動してください.", "Then try again."],
  inReplyTo: "in-2@mail.example.com",
  references: ["in-1@mail.example.com", `${JOB}@acme.example`, "in-2@mail.example.com"],
};

/** Base64 of UTF-8 text in CRLF lines, in lines of 76: what a text/plain base64 body must be. */
const base64Lines = (text: string) => {
  const bytes = new TextEncoder().encode(text.replace(/\n/g, "\r\n"));
  return btoa(String.fromCharCode(...bytes))
    .match(/.{1,76}/g)!
    .join("\r\n");
};

const headerBlock = (raw: string) => raw.slice(0, raw.indexOf("\r\n\r\n"));
const parse = (raw: string) => PostalMime.parse(raw);
const header = async (raw: string, name: string) => (await parse(raw)).headers.filter((h) => h.key === name).map((h) => h.value);

describe("composeEmail", () => {
  it("writes the acknowledgement byte for byte: addresses, reply token, deterministic Message-ID, threading, Auto-Submitted, base64 UTF-8 text", () => {
    const email = composeEmail(acknowledgement);
    // Nothing the sender wrote (name, title) is in the body: the From address may be forged.
    const text = [
      "Hello,",
      "",
      `We have received your request and opened ticket ${TICKET} for it. We will answer you by email.`,
      "",
      "To add anything to your request, reply to this email: your reply is added to the ticket.",
      "",
      "Acme Support",
      "--",
      `Ticket ${TICKET}. Reply to this email to add to it.`,
      "",
    ].join("\n");
    expect(email).toEqual({
      from: "support@acme.example",
      to: "pat@example.com",
      messageId: `${JOB}@acme.example`,
      raw: [
        "Date: Wed, 02 Dec 2026 16:00:00 +0000",
        "From: =?utf-8?B?QWNtZSBTdXBwb3J0?= <support@acme.example>", // "Acme Support"
        "Reply-To: <support+tok123@acme.example>",
        "To: =?utf-8?B?UGF0?= <pat@example.com>", // "Pat"
        `Message-ID: <${JOB}@acme.example>`,
        "Subject: =?utf-8?B?UmU6IFByaW50ZXIgamFt?=", // "Re: Printer jam"
        "MIME-Version: 1.0",
        "In-Reply-To: <in-1@mail.example.com>",
        "References: <in-1@mail.example.com>",
        "Auto-Submitted: auto-replied",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64Lines(text),
      ].join("\r\n"),
    });
  });

  it("writes a reply byte for byte: the agent's messages, In-Reply-To and folded References, no Auto-Submitted", async () => {
    const email = composeEmail(reply);
    const text = `${reply.messages.join("\n\n")}\n\n--\nTicket ${TICKET}. Reply to this email to add to it.\n`;
    expect(email.raw).toBe(
      [
        "Date: Wed, 02 Dec 2026 16:00:00 +0000",
        "From: =?utf-8?B?QWNtZSBTdXBwb3J0?= <support@acme.example>",
        "Reply-To: <support+tok123@acme.example>",
        "To: =?utf-8?B?UGF0?= <pat@example.com>",
        `Message-ID: <${JOB}@acme.example>`,
        "Subject: =?utf-8?B?UmU6IFByaW50ZXIgamFt?=",
        "MIME-Version: 1.0",
        "In-Reply-To: <in-2@mail.example.com>",
        `References: <in-1@mail.example.com>\r\n <${JOB}@acme.example>\r\n <in-2@mail.example.com>`,
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64Lines(text),
      ].join("\r\n"),
    );
    // Non-ASCII survives the round trip through a real parser.
    const parsed = await parse(email.raw);
    expect(parsed.text).toBe(text.replace(/\n/g, "\r\n"));
    expect(parsed.inReplyTo).toBe("<in-2@mail.example.com>");
    expect(parsed.references).toBe(`<in-1@mail.example.com> <${JOB}@acme.example> <in-2@mail.example.com>`);
  });

  it("lets no user text into a header raw: CR/LF and 'Bcc:' in the title, quotes and <> in the names", async () => {
    const email = composeEmail({
      ...acknowledgement,
      title: "Help\r\nBcc: x@y\r\n\r\nInjected body",
      from: { address: "support@acme.example", name: 'Acme "Support" <root@evil.example>\r\nBcc: x@y' },
      to: { address: "pat@example.com", name: '"Pat" <pat@evil.example>, Bcc: x@y\nX-Evil: 1' },
      inReplyTo: "in-1@mail.example.com>\r\nBcc: x@y",
      references: ["ok@mail.example.com", "bad id@mail.example.com", "<x@y>", "digest-without-at"],
    });
    const block = headerBlock(email.raw);
    // Every line is a header of ours or a folded continuation, in printable ASCII.
    for (const line of block.split("\r\n")) expect(line).toMatch(/^([A-Za-z-]+: | )[\x20-\x7e]*$/);
    const names = block.split("\r\n").flatMap((line) => (line.startsWith(" ") ? [] : [line.slice(0, line.indexOf(":"))]));
    expect(names).toEqual([
      "Date",
      "From",
      "Reply-To",
      "To",
      "Message-ID",
      "Subject",
      "MIME-Version",
      "References",
      "Auto-Submitted",
      "Content-Type",
      "Content-Transfer-Encoding",
    ]);
    const parsed = await parse(email.raw);
    expect(parsed.headers.map((h) => h.key)).not.toContain("bcc");
    expect(parsed.headers.map((h) => h.key)).not.toContain("x-evil");
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.subject).toBe("Re: Help Bcc: x@y Injected body");
    expect(parsed.from).toEqual({ address: "support@acme.example", name: 'Acme "Support" <root@evil.example> Bcc: x@y' });
    expect(parsed.to).toEqual([{ address: "pat@example.com", name: '"Pat" <pat@evil.example>, Bcc: x@y X-Evil: 1' }]);
    // A Message-ID that is not one is left out rather than written.
    expect(parsed.inReplyTo).toBeUndefined();
    expect(await header(email.raw, "references")).toEqual(["<ok@mail.example.com>"]);
  });

  it("refuses addresses that are not plain addresses instead of writing them", () => {
    expect(() => composeEmail({ ...acknowledgement, to: { address: "pat@example.com\r\nBcc: x@y", name: null } })).toThrow(ComposeError);
    expect(() => composeEmail({ ...acknowledgement, to: { address: '"Pat" <pat@example.com>', name: null } })).toThrow(ComposeError);
    expect(() => composeEmail({ ...acknowledgement, from: { address: "support@acme.example>", name: "x" } })).toThrow(ComposeError);
  });

  it("keeps a reply token that is not a plain token out of Reply-To", async () => {
    const email = composeEmail({ ...acknowledgement, replyToken: "a>b\r\nBcc: x@y" });
    expect((await parse(email.raw)).replyTo).toEqual([{ address: "support@acme.example", name: "" }]);
  });

  it("writes a long subject and name as folded encoded words of at most 75 characters that decode back whole", async () => {
    const title = "Die Druckerwarteschlange hängt seit dem Update — 印刷できません, bitte helfen Sie uns schnell";
    const name = "Zoë Müller-Lüdenscheidt von und zu Großbritannien-Überseegebiete";
    const email = composeEmail({ ...acknowledgement, title, to: { address: "pat@example.com", name } });
    const words = headerBlock(email.raw).match(/=\?utf-8\?B\?[^?]*\?=/g)!;
    expect(words.length).toBeGreaterThan(4);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(headerBlock(email.raw)).toMatch(/^Subject: =\?utf-8\?B\?[^?]+\?=\r\n =\?utf-8\?B\?/m);
    const parsed = await parse(email.raw);
    expect(parsed.subject).toBe(`Re: ${title}`);
    expect(parsed.to).toEqual([{ address: "pat@example.com", name }]);
  });

  it("keeps every header line within RFC 5322's 998 characters, even for a long non-ASCII title and name", () => {
    const long = "設定".repeat(300);
    const email = composeEmail({ ...acknowledgement, title: long, to: { address: "pat@example.com", name: long } });
    for (const line of email.raw.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
    // 30 bytes: nine 3-byte characters and the 3-byte ellipsis.
    expect(headerText(long, 30)).toBe(`${"設定".repeat(4)}設…`);
  });
});
