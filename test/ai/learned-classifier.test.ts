import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyLearned, clausesOf, NO_STATS, type LearnedStats } from "../../src/ai/learned-classifier";
import grouping from "../../eval/operator/categories.json";
import { ticketTerms } from "../../src/ai/terms";

const OPTIONS = [
  { name: "Billing", description: "Invoices, charges, refunds and payment methods" },
  { name: "Technical", description: "Errors, crashes, login failures and other bugs in the app" },
  { name: "Shipping", description: "Deliveries, parcels and tracking numbers" },
];

const terms = (title: string, description: string | null = null, messages: string[] = []) =>
  ticketTerms({ title, description, messages: messages.map((content) => ({ content })) });

/** Statistics as the categorize job reads them, from labelled texts. */
const learnedFrom = (labelled: [category: string, text: string][]): LearnedStats => {
  const labels = new Map<string, { tickets: number; terms: number }>();
  const counts = new Map<string, Map<string, number>>();
  for (const [category, text] of labelled) {
    const key = category.toLowerCase();
    const totals = labels.get(key) ?? { tickets: 0, terms: 0 };
    totals.tickets++;
    const byTerm = counts.get(key) ?? new Map<string, number>();
    for (const [t, n] of Object.entries(terms(text))) {
      totals.terms += n;
      byTerm.set(t, (byTerm.get(t) ?? 0) + n);
    }
    labels.set(key, totals);
    counts.set(key, byTerm);
  }
  return { labels, counts };
};

describe("zero-shot: names and descriptions only", () => {
  it.each([
    [terms("I was charged twice on my last invoice"), "Billing"],
    [terms("The app crashed", "Every time I log in I see an error"), "Technical"],
    [terms("Where is my parcel?", null, ["The tracking number does not work"]), "Shipping"],
  ])("chooses the category whose words the ticket uses: %j", (t, expected) => {
    expect(classifyLearned(t, OPTIONS, NO_STATS).category).toBe(expected);
  });

  it("lets a single distinctive description word decide", () => {
    expect(classifyLearned(terms("payment"), OPTIONS, NO_STATS).category).toBe("Billing");
  });

  it("answers none, with no confidence, when no word of the ticket is evidence for any category", () => {
    expect(classifyLearned(terms("Hello, quick question"), OPTIONS, NO_STATS)).toEqual({ category: null, confidence: null });
  });

  it("answers none for an exact tie, whatever the order of the categories", () => {
    const tied = [
      { name: "A", description: "refund" },
      { name: "B", description: "crash" },
    ];
    expect(classifyLearned(terms("refund for the crash"), tied, NO_STATS).category).toBeNull();
    expect(classifyLearned(terms("refund for the crash"), [...tied].reverse(), NO_STATS).category).toBeNull();
  });

  it("gives the same answer and confidence for any order of the categories", () => {
    const ticket = terms("The payment page shows an error", "my invoice will not load");
    const expected = classifyLearned(ticket, OPTIONS, NO_STATS);
    fc.assert(
      fc.property(fc.shuffledSubarray(OPTIONS, { minLength: 3, maxLength: 3 }), (order) => {
        expect(classifyLearned(ticket, order, NO_STATS)).toEqual(expected);
      }),
    );
  });

  it("reports the winner's probability among the candidates", () => {
    const { confidence } = classifyLearned(terms("refund"), OPTIONS, NO_STATS);
    expect(confidence).toBeGreaterThan(1 / OPTIONS.length);
    expect(confidence).toBeLessThanOrEqual(1);
  });
});

describe("learning from the organization's labels", () => {
  const ticket = terms("My card got swallowed by the machine");

  it("predicts what the organization labelled similar tickets, where the descriptions say nothing", () => {
    expect(classifyLearned(ticket, OPTIONS, NO_STATS).category).toBeNull();
    const stats = learnedFrom([
      ["Technical", "The machine swallowed my card"],
      ["Technical", "ATM machine kept my card"],
      ["Billing", "Refund my card payment"],
    ]);
    expect(classifyLearned(ticket, OPTIONS, stats).category).toBe("Technical");
  });

  it("lets enough labels outweigh the descriptions", () => {
    // "tracking" is a Shipping word, but this organization files tracking questions under Technical.
    const tracking = terms("The tracking page is blank");
    expect(classifyLearned(tracking, OPTIONS, NO_STATS).category).toBe("Shipping");
    const labelled = Array.from({ length: 5 }, (_, i): [string, string] => ["Technical", `tracking page broken ${i}`]);
    expect(classifyLearned(tracking, OPTIONS, learnedFrom(labelled)).category).toBe("Technical");
  });

  it("never predicts a category that is not a candidate, however much it learned", () => {
    const stats = learnedFrom(Array.from({ length: 20 }, (): [string, string] => ["Retired", "swallowed card machine"]));
    expect(classifyLearned(ticket, OPTIONS, stats).category).not.toBe("Retired");
  });

  it("is deterministic", () => {
    const stats = learnedFrom([["Technical", "machine swallowed card"]]);
    expect(classifyLearned(ticket, OPTIONS, stats)).toEqual(classifyLearned(ticket, OPTIONS, stats));
  });
});

describe("broad categories: each clause of a description is a pseudo-example", () => {
  // Issue 23's operator-style categories: each names several kinds of request in one sentence.
  const broad = grouping.categories.map(({ name, description }) => ({ name, description }));

  it("splits a description into its clauses, each as its terms", () => {
    expect(clausesOf({ name: "Cards", description: "A card that is declined, not accepted by a shop, or a blocked PIN." })).toEqual([
      { card: 1 },
      { card: 1, declin: 1 },
      { accept: 1, shop: 1 },
      { block: 1, pin: 1 },
    ]);
  });

  it("lets the one clause a ticket matches win over words pooled from a longer description", () => {
    // "change" is in Card not working's sentence ("a blocked or forgotten PIN that needs changing") as
    // in Account and identity's ("changing personal details"); pooled, the shorter sentence wins it,
    // while the clause "changing personal details" matches the ticket best.
    expect(classifyLearned(terms("How do I change my last name?"), broad, NO_STATS).category).toBe("Account and identity");
  });

  it("gives the same answer and confidence for every order of the categories", () => {
    const queries = [
      "My card has not arrived yet",
      "Why was I charged a fee for my transfer?",
      "The ATM kept my card",
      "How do I top up by bank transfer?",
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(broad, { minLength: broad.length, maxLength: broad.length }), (order) => {
        for (const q of queries) expect(classifyLearned(terms(q), order, NO_STATS)).toEqual(classifyLearned(terms(q), broad, NO_STATS));
      }),
    );
  });
});

describe("broad categories with labels", () => {
  const broad = grouping.categories.map(({ name, description }) => ({ name, description }));

  it("gives the same answer and confidence for every order of the categories once it has learned", () => {
    const stats = learnedFrom([
      ["Top-ups", "I topped up by bank transfer and it is not there"],
      ["Outgoing transfers", "My transfer to a friend has not arrived"],
      ["Card not working", "The shop would not take my card"],
    ]);
    const queries = ["Where is the money I transferred to top up?", "My card was refused at the shop", "The transfer is still pending"];
    fc.assert(
      fc.property(fc.shuffledSubarray(broad, { minLength: broad.length, maxLength: broad.length }), (order) => {
        for (const q of queries) expect(classifyLearned(terms(q), order, stats)).toEqual(classifyLearned(terms(q), broad, stats));
      }),
    );
  });
});
