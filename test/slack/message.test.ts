import { describe, expect, it } from "vitest";
import { escapeSlack, escapeWithin } from "../../src/slack/escape";
import { SLACK_LIMITS, ticketMessage, type TicketNotice } from "../../src/slack/message";
import { retryAfterSeconds } from "../../src/slack/webhook";

const notice = (over: Partial<TicketNotice> = {}): TicketNotice => ({
  id: "t-1",
  title: "Title",
  description: null,
  priority: "medium",
  status: "open",
  category: null,
  categorySource: null,
  assignee: null,
  customerEmail: "a@example.com",
  deviceIdentifier: null,
  firstCustomerMessage: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("Slack escaping", () => {
  it.each([
    ["<!channel>", "&lt;!channel&gt;"],
    ["<@U123>", "&lt;@U123&gt;"],
    ["<https://x|y>", "&lt;https://x|y&gt;"],
    ["a & b", "a &amp; b"],
    ["&lt; stays literal", "&amp;lt; stays literal"],
  ])("escapes %s", (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });

  it("cuts after escaping, never inside an entity or a surrogate pair", () => {
    expect(escapeWithin("<<<<", 10)).toBe("&lt;&lt;…");
    expect(escapeWithin("😀😀😀", 4)).toBe("😀…");
    expect(escapeWithin("short", 10)).toBe("short");
  });
});

describe("Block Kit limits", () => {
  it("keeps every block within Slack's limits for the largest ticket we accept", () => {
    const message = ticketMessage(
      notice({
        title: "&".repeat(255),
        firstCustomerMessage: "<".repeat(10_000),
        assignee: ">".repeat(3_000),
        customerEmail: `${"a".repeat(240)}@example.com`,
        category: "c".repeat(100),
        categorySource: "ai",
      }),
    );
    const [header, fields, quote] = message.blocks as any[];
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expect(header.text.text).toMatch(/^(&amp;)+…$/);
    for (const f of fields.fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.field);
    expect(fields.fields).toHaveLength(5);
    expect(quote.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section);
    expect(quote.text.text).toMatch(/^\*First customer message\*\n(&lt;)+…$/);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
  });

  it("shows none for missing values and leaves out the message section when there is nothing to quote", () => {
    const message = ticketMessage(notice());
    expect(message.blocks.map((b) => b.type)).toEqual(["header", "section", "context"]);
    expect((message.blocks[1] as any).fields[1].text).toBe("*Category*\n_none_");
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterSeconds("30")).toBe(30);
    expect(retryAfterSeconds("Thu, 01 Jan 2026 00:01:00 GMT", Date.parse("2026-01-01T00:00:00Z"))).toBe(60);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds("soon")).toBeUndefined();
  });
});
