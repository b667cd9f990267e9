import { describe, expect, it } from "vitest";
import { MAX_TERMS, term, termCounts, ticketTerms } from "../../src/ai/terms";

describe("terms", () => {
  it.each([
    ["verify", "verification", "verified", "verifying"],
    ["transfer", "transferred", "transfers", "transferring"],
    ["withdraw", "withdrawal", "withdrawing", "withdrew", "withdrawn"],
    ["steal", "stole", "stolen"],
    ["recognize", "recognise", "recognised", "recognized"],
    ["deliver", "delivery", "delivered", "deliveries"],
    ["charge", "charged", "charges", "charging"],
    ["identify", "identification"],
  ])("maps the forms of one word to one term: %s", (...forms) => {
    expect(new Set(forms.map(term)).size).toBe(1);
  });

  it("keeps words of different meaning apart", () => {
    expect(term("transfer")).not.toBe(term("transaction"));
    expect(term("card")).not.toBe(term("cash"));
  });

  it("counts meaningful words only: no stop words, short words or bare numbers", () => {
    expect(Object.fromEntries(termCounts("Hi, I have a problem with the app: the app crashed 3 times in 2024"))).toEqual({
      app: 2,
      crash: 1,
      time: 1,
    });
  });

  it("keeps the most frequent terms of a long ticket, the same ones every time", () => {
    const words = Array.from({ length: MAX_TERMS + 50 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`);
    const text = `${words.join(" ")} refund refund`;
    const terms = ticketTerms({ title: "Refund", description: text, messages: [] });
    expect(Object.keys(terms)).toHaveLength(MAX_TERMS);
    expect(terms.refund).toBe(3);
    expect(ticketTerms({ title: "Refund", description: text, messages: [] })).toEqual(terms);
  });
});
