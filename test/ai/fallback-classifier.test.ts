import { describe, expect, it } from "vitest";
import { classifyByWords } from "../../src/ai/fallback-classifier";
import { stem, stems } from "../../src/ai/words";

const OPTIONS = [
  { name: "Billing", description: "Invoices, charges, refunds and payment methods" },
  { name: "Technical", description: "Errors, crashes, login failures and other bugs in the app" },
  { name: "Shipping", description: "Deliveries, parcels and tracking numbers" },
];

const ticket = (title: string, description: string | null = null, messages: string[] = []) => ({
  title,
  description,
  messages: messages.map((content) => ({ role: "customer" as const, content })),
});

describe("stemming", () => {
  it("brings word forms together", () => {
    expect(new Set(["charge", "charged", "charges", "charging"].map(stem)).size).toBe(1);
    expect(new Set(["invoice", "invoices"].map(stem)).size).toBe(1);
    expect(new Set(["bill", "billing", "bills"].map(stem)).size).toBe(1);
    expect(new Set(["delivery", "deliveries"].map(stem)).size).toBe(1);
  });

  it("drops stop words and short words", () => {
    expect([...stems("Hi, I have a problem with the app")]).toEqual(["app"]);
  });
});

describe("fallback classifier", () => {
  it.each([
    [ticket("I was charged twice on my last invoice"), "Billing"],
    [ticket("The app crashed", "Every time I log in I see an error"), "Technical"],
    [ticket("Where is my parcel?", null, ["The tracking number does not work"]), "Shipping"],
    [ticket("Billing"), "Billing"],
  ])("chooses by word overlap: %j", (t, expected) => {
    expect(classifyByWords(t, OPTIONS)).toBe(expected);
  });

  it("says none below the threshold", () => {
    expect(classifyByWords(ticket("Hello, quick question"), OPTIONS)).toBeNull();
    // One description word alone is not enough.
    expect(classifyByWords(ticket("payment"), OPTIONS)).toBeNull();
  });

  it("is deterministic: a tie goes to the category listed first", () => {
    const t = ticket("refund for the crash");
    const tied = [
      { name: "A", description: "refund" },
      { name: "B", description: "crash" },
    ];
    expect(classifyByWords(t, tied)).toBeNull(); // each scores 1
    const t2 = ticket("refund crash", "refund crash");
    expect(
      classifyByWords(t2, [
        { name: "X", description: "refund crash" },
        { name: "Y", description: "crash refund" },
      ]),
    ).toBe("X");
    expect(
      classifyByWords(t2, [
        { name: "Y", description: "crash refund" },
        { name: "X", description: "refund crash" },
      ]),
    ).toBe("Y");
  });
});
