import { describe, expect, it } from "vitest";
import { parseMail } from "../../src/email/parse";

const mail = (headers: string, from = "Jane <jane@example.com>") =>
  new TextEncoder().encode(
    `From: ${from}\r\nTo: support@acme.example\r\nSubject: Hi\r\nMessage-ID: <m1@example.com>\r\n${headers}\r\nHello\r\n`,
  ).buffer as ArrayBuffer;

const parsed = async (raw: ArrayBuffer) => {
  const result = await parseMail(raw, "envelope@example.com");
  if (result.kind !== "ok") throw new Error(result.reason);
  return result.mail;
};

describe("parseMail: automated mail (never answered)", () => {
  it.each([
    ["Auto-Submitted: auto-replied\r\n"],
    ["Auto-Submitted: auto-generated\r\n"],
    ["Precedence: bulk\r\n"],
    ["Precedence: junk\r\n"],
    ["Precedence: list\r\n"],
    ["Precedence: auto_reply\r\n"],
    ["X-Autoreply: yes\r\n"],
    ["X-Autorespond: Out of office\r\n"],
  ])("%j is automated", async (headers) => {
    expect((await parsed(mail(headers))).automated).toBe(true);
  });

  it.each([["Auto-Submitted: no\r\n"], ["Precedence: first-class\r\n"], [""]])("%j is a person's", async (headers) => {
    expect((await parsed(mail(headers))).automated).toBe(false);
  });

  it.each(["MAILER-DAEMON@mx.example.net", "postmaster@example.com"])(
    "mail from %s is automated, but no bounce without a delivery report",
    async (from) => {
      const result = await parsed(mail("", from));
      expect(result).toMatchObject({ automated: true, bounce: null });
    },
  );
});

describe("parseMail: threading headers", () => {
  it("lists In-Reply-To first, then References newest first, once each", async () => {
    const result = await parsed(mail("In-Reply-To: <c@x>\r\nReferences: <a@x> <b@x>\r\n <c@x>\r\n"));
    expect(result.thread).toEqual(["c@x", "b@x", "a@x"]);
  });
});
