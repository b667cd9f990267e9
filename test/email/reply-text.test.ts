import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/email/html-text";
import { visibleReply } from "../../src/email/reply-text";

describe("visibleReply: the new part of a reply, without the quoted history", () => {
  it.each([
    ["Gmail", "Thanks!\n\nOn Tue, 1 Dec 2026 at 10:05, Acme Support <support@acme.example> wrote:\n> Hi Jane"],
    ["Gmail, attribution wrapped", "Thanks!\n\nOn Tue, 1 Dec 2026 at 10:05, Acme Support <\nsupport@acme.example> wrote:\n\n> Hi Jane"],
    ["Apple Mail", "Thanks!\n\n> On 1 Dec 2026, at 10:05, Acme Support <support@acme.example> wrote:\n> \n> Hi Jane"],
    ["Outlook desktop", "Thanks!\n\n-----Original Message-----\nFrom: Acme Support\nSent: Tuesday, December 1, 2026 10:05\nHi Jane"],
    ["Outlook on the web", "Thanks!\n\n________________________________\nFrom: Acme Support <support@acme.example>\nSent: Tuesday"],
    ["Outlook, bold headers", "Thanks!\n\n*From:* Acme Support\n*Sent:* Tuesday, December 1, 2026\n*To:* Jane"],
    ["German client", "Thanks!\n\nAm 01.12.2026 um 10:05 schrieb Acme Support <support@acme.example>:\n> Hallo"],
    ["French client", "Thanks!\n\nLe mar. 1 déc. 2026 à 10:05, Acme Support <support@acme.example> a écrit :\n> Bonjour"],
    ["quotes without attribution", "Thanks!\n\n> Hi Jane\n> please try again"],
  ])("cuts %s history", (_client, text) => {
    expect(visibleReply(text)).toBe("Thanks!");
  });

  it("keeps a message with no history as it is, and a `>` inside the text", () => {
    expect(visibleReply("Line one\n> quoted in the middle\nLine three")).toBe("Line one\n> quoted in the middle\nLine three");
  });

  it("keeps the whole text when cutting would leave nothing", () => {
    expect(visibleReply("On Tue, 1 Dec 2026 Jane wrote:\n> all quoted")).toBe("On Tue, 1 Dec 2026 Jane wrote:\n> all quoted");
  });

  it("does not take a sentence starting with From: for an Outlook header block", () => {
    expect(visibleReply("From: my side it still fails.\nCan you check?")).toBe("From: my side it still fails.\nCan you check?");
  });
});

describe("htmlToText", () => {
  it("turns blocks and breaks into lines, drops tags, styles and scripts, decodes entities", () => {
    const html =
      "<html><head><style>p{color:red}</style></head><body><p>Hello&nbsp;there,</p><div>Line&#32;two<br>Line three &amp; &lt;four&gt; &#x263A;</div><script>alert(1)</script><ul><li>a</li><li>b</li></ul></body></html>";
    expect(htmlToText(html)).toBe("Hello there,\n\nLine two\nLine three & <four> ☺\n\n- a\n- b");
  });
});

describe("htmlToText on a stranger's HTML", () => {
  it("reads a megabyte of unclosed tags, comments and scripts in one pass", () => {
    const hostile = `<p>Hello</p>${"<style".repeat(50_000)}`;
    expect(htmlToText(hostile)).toBe("Hello");
    expect(htmlToText(`<p>Hi</p>${"<!--".repeat(50_000)}`)).toBe("Hi");
    expect(htmlToText(`Hi ${"<".repeat(200_000)}`)).toBe(`Hi ${"<".repeat(200_000)}`.trim());
  });
});
