import { env } from "cloudflare:workers";
import { beforeEach, describe, expect } from "vitest";
import { it } from "../support/fixtures";
import { ticketTerms } from "../../src/ai/terms";
import { createDb } from "../../src/db/client";
import { labelledExamples } from "../../src/db/job-context";
import { countingD1, fetchWithEnv } from "../support/counting";
import { answer, fakeAi } from "../support/fake-ai";
import { updateTicket, UPDATE } from "../support/lifecycle";
import { withShardDb } from "../support/shards";
import { createOrg, setCategories } from "../support/orgs";
import { CATEGORIES, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { CREATE, getTicket, newTicket, rows } from "../support/tickets";
import { jsonPost } from "../support/http";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

/** As in local dev: no AI binding, so the learned classifier decides. */
const NO_AI = { env: { AI: undefined } };

const TITLE = "Card swallowed";
const DESCRIPTION = "The machine swallowed my card, the machine kept it";
/** The terms createTicket stores for TITLE and DESCRIPTION: what the counts must move by. */
const TERMS = ticketTerms({ title: TITLE, description: DESCRIPTION, messages: [] });
const TERM_TOTAL = Object.values(TERMS).reduce((a, b) => a + b, 0);

const termRows = (orgId: string) =>
  rows<{ category: string; term: string; count: number }>(
    "select category, term, count from category_terms where organization_id = ? order by category, term",
    orgId,
  );
const labelRows = (orgId: string) =>
  rows<{ category: string; tickets: number; terms: number }>(
    "select category, tickets, terms from category_labels where organization_id = ? order by category",
    orgId,
  );
/** The rows `times` labelled copies of TITLE/DESCRIPTION in `category` must leave. */
const expectedTerms = (category: string, times = 1) =>
  Object.entries(TERMS)
    .map(([term, count]) => ({ category, term, count: count * times }))
    .sort((a, b) => (a.term < b.term ? -1 : 1));

/** A ticket of TITLE and DESCRIPTION, its categorize message dropped (tests run the queue for the tickets they classify). */
const labelled = async (key: string, category?: string) => {
  const id = await newTicket(key, { title: TITLE, description: DESCRIPTION, category });
  sends.take();
  return id;
};

describe("the classifier's statistics move with labels, in the write's own batch", () => {
  it("a ticket created with a category adds its terms to that category", async ({ categorizedOrg: org }) => {
    await labelled(org.apiKey, "technical");
    await labelled(org.apiKey, "Technical");
    expect(await termRows(org.id)).toEqual(expectedTerms("technical", 2));
    expect(await labelRows(org.id)).toEqual([{ category: "technical", tickets: 2, terms: 2 * TERM_TOTAL }]);
  });

  it("a ticket without a category, or with one the organization does not have, teaches nothing", async ({ categorizedOrg: org }) => {
    const id = await labelled(org.apiKey);
    await labelled(org.apiKey, "No such category");
    expect(await termRows(org.id)).toEqual([]);
    expect(await labelRows(org.id)).toEqual([]);
    const [stored] = await rows<{ terms: string }>("select terms from tickets where id = ?", id);
    expect(JSON.parse(stored!.terms)).toEqual(TERMS);
  });

  it("a correction moves the ticket's counts from the old category to the new one", async ({ categorizedOrg: org }) => {
    await labelled(org.apiKey, "Technical");
    const id = await labelled(org.apiKey, "Billing");

    const res = await updateTicket(org.apiKey, { ticketId: id, category: "Technical" });

    expect(res.status).toBe(200);
    expect(await termRows(org.id)).toEqual(expectedTerms("technical", 2));
    expect(await labelRows(org.id)).toEqual([{ category: "technical", tickets: 2, terms: 2 * TERM_TOTAL }]);
  });

  it("a category set by hand on a ticket a classifier categorized becomes a label", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: TITLE, description: DESCRIPTION });
    await runQueue([message], NO_AI);
    expect(await labelRows(org.id)).toEqual([]);

    await updateTicket(org.apiKey, { ticketId: id, category: "Technical" });

    expect(await termRows(org.id)).toEqual(expectedTerms("technical"));
  });

  it("clearing a label takes its counts back", async ({ categorizedOrg: org }) => {
    const id = await labelled(org.apiKey, "Billing");
    await updateTicket(org.apiKey, { ticketId: id, category: null });
    expect(await termRows(org.id)).toEqual([]);
    expect(await labelRows(org.id)).toEqual([]);
  });

  it("an update that loses (409) or names an unknown category moves nothing", async ({ categorizedOrg: org }) => {
    const id = await labelled(org.apiKey, "Billing");
    const stale = await updateTicket(org.apiKey, { ticketId: id, category: "Technical", expectedUpdatedAt: "2020-01-01T00:00:00.000Z" });
    const unknown = await updateTicket(org.apiKey, { ticketId: id, category: "Nope" });
    expect([stale.status, unknown.status]).toEqual([409, 400]);
    expect(await termRows(org.id)).toEqual(expectedTerms("billing"));
  });

  it("replacing the categories drops what was learned for the ones removed, and keeps the rest", async ({ categorizedOrg: org }) => {
    await labelled(org.apiKey, "Billing");
    await labelled(org.apiKey, "Technical");
    await setCategories(
      org.id,
      CATEGORIES.filter((c) => c.name !== "Billing"),
    );
    expect(await termRows(org.id)).toEqual(expectedTerms("technical"));
    expect(await labelRows(org.id)).toEqual([{ category: "technical", tickets: 1, terms: TERM_TOTAL }]);
  });

  /** The organization's categories with Billing renamed only in case, as an operator might tidy it. */
  const renameBilling = (orgId: string, name: string) =>
    setCategories(
      orgId,
      CATEGORIES.map((c) => (c.name === "Billing" ? { ...c, name } : c)),
    );

  it("after a category is renamed only in case, a correction still moves its tickets' counts out of it", async ({
    categorizedOrg: org,
  }) => {
    const id = await labelled(org.apiKey, "Billing");
    await renameBilling(org.id, "BILLING");

    expect((await updateTicket(org.apiKey, { ticketId: id, category: "Technical" })).status).toBe(200);

    expect(await termRows(org.id)).toEqual(expectedTerms("technical"));
    expect(await labelRows(org.id)).toEqual([{ category: "technical", tickets: 1, terms: TERM_TOTAL }]);
  });

  it("after a category is renamed only in case, labelling its ticket with it again counts the ticket once", async ({
    categorizedOrg: org,
  }) => {
    const id = await labelled(org.apiKey, "Billing");
    await renameBilling(org.id, "billing");

    expect((await updateTicket(org.apiKey, { ticketId: id, category: "billing" })).status).toBe(200);

    expect(await termRows(org.id)).toEqual(expectedTerms("billing"));
    expect(await labelRows(org.id)).toEqual([{ category: "billing", tickets: 1, terms: TERM_TOTAL }]);
  });
});

describe("what the learned classifier decides (the fallback, and local dev)", () => {
  const SIMILAR = { title: "ATM swallowed card", description: "The machine swallowed my card yesterday" };

  it("predicts from the organization's labels, stores its confidence, and getTicket shows it", async ({ categorizedOrg: org }) => {
    for (let i = 0; i < 3; i++) await labelled(org.apiKey, "Technical");
    const { id, message } = await ticketAndMessage(sends, org.apiKey, SIMILAR);

    await runQueue([message], NO_AI);

    const { ticket } = (await getTicket(org.apiKey, id)).json;
    expect(ticket).toMatchObject({ category: "Technical", categorySource: "fallback" });
    expect(ticket.categoryConfidence).toBeGreaterThan(0.5);
    expect(ticket.categoryConfidence).toBeLessThanOrEqual(1);
  });

  it("one organization's labels never move another's predictions", async () => {
    const taught = await orgWithCategories();
    const other = await orgWithCategories();
    for (let i = 0; i < 5; i++) await labelled(taught.apiKey, "Technical");
    const mine = await ticketAndMessage(sends, taught.apiKey, SIMILAR);
    const theirs = await ticketAndMessage(sends, other.apiKey, SIMILAR);

    await runQueue([mine.message, theirs.message], NO_AI);

    expect((await getTicket(taught.apiKey, mine.id)).json.ticket.category).toBe("Technical");
    // The other organization has no labels: its descriptions alone say nothing about a swallowed card.
    expect((await getTicket(other.apiKey, theirs.id)).json.ticket).toMatchObject({ category: null, categoryConfidence: null });
  });

  it("stops predicting a category once it is deactivated", async ({ categorizedOrg: org }) => {
    for (let i = 0; i < 5; i++) await labelled(org.apiKey, "Technical");
    await setCategories(
      org.id,
      CATEGORIES.map((c) => (c.name === "Technical" ? { ...c, active: false } : c)),
    );
    const { id, message } = await ticketAndMessage(sends, org.apiKey, SIMILAR);

    await runQueue([message], NO_AI);

    expect((await getTicket(org.apiKey, id)).json.ticket.category).not.toBe("Technical");
    // Still learned, so reactivating it brings its predictions back.
    expect((await labelRows(org.id)).map((r) => r.category)).toEqual(["technical"]);
  });

  it("the categorized event records the confidence", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Refund for my invoice" });
    await runQueue([message], NO_AI);
    const [event] = await rows<{ data: string }>("select data from ticket_events where ticket_id = ? and type = 'categorized'", id);
    const data = JSON.parse(event!.data);
    expect(data).toMatchObject({ category: "Billing", source: "fallback" });
    expect(data.confidence).toBe((await getTicket(org.apiKey, id)).json.ticket.categoryConfidence);
  });
});

describe("what Workers AI is shown", () => {
  it("the organization's labelled tickets most like this one, as examples in the prompt", async ({ categorizedOrg: org }) => {
    const other = await orgWithCategories();
    await labelled(org.apiKey, "Technical");
    await newTicket(other.apiKey, { title: "Card swallowed by another organization", category: "Billing" });
    await newTicket(org.apiKey, { title: "Nothing in common here", category: "Billing" });
    sends.take();
    const { message } = await ticketAndMessage(sends, org.apiKey, { title: "The ATM swallowed my card" });
    const ai = fakeAi(answer("Technical"));

    await runQueue([message], { env: { AI: ai.binding } });

    const { prompt } = ai.calls[0]!;
    expect(prompt).toContain(`already categorized, most similar first:\n- "${TITLE}" → Technical`);
    expect(prompt).not.toContain("another organization");
    expect(prompt).not.toContain("Nothing in common");
  });
});

describe("learning costs no round trip", () => {
  it("createTicket with a category: one round trip, and the counts moved", async ({ categorizedOrg: org }) => {
    const d1 = countingD1(org.db);
    const res = await fetchWithEnv(
      jsonPost(CREATE, org.apiKey, { title: TITLE, description: DESCRIPTION, customerEmail: "a@example.com", category: "Billing" }),
      withShardDb(org.shard, d1.binding),
    );
    expect(res.status).toBe(200);
    expect(d1.counts.roundTrips).toBe(1);
    expect(await termRows(org.id)).toEqual(expectedTerms("billing"));
  });

  it("a correction through updateTicket: one round trip, and the counts moved", async ({ categorizedOrg: org }) => {
    const id = await labelled(org.apiKey, "Billing");
    const d1 = countingD1(org.db);
    const res = await fetchWithEnv(
      jsonPost(UPDATE, org.apiKey, { ticketId: id, category: "Technical" }),
      withShardDb(org.shard, d1.binding),
    );
    expect(res.status).toBe(200);
    expect(d1.counts.roundTrips).toBe(1);
    expect(await termRows(org.id)).toEqual(expectedTerms("technical"));
  });
});

describe("a long ticket", () => {
  it("learns within D1's bound-parameter limit (the whole suite's D1 enforces it)", async () => {
    const org = await createOrg();
    await setCategories(org.id, [{ name: "Long" }]);
    const description = Array.from({ length: 2_000 }, (_, i) => `word${i.toString(36)}x`).join(" ");
    const id = await newTicket(org.apiKey, { title: "Long", description, category: "Long" });
    const [{ n }] = (await rows<{ n: number }>("select count(*) as n from category_terms where organization_id = ?", org.id)) as [
      { n: number },
    ];
    expect(n).toBe(200);
    expect((await getTicket(org.apiKey, id)).status).toBe(200);
  });
});

describe("the categorize job's reads stay bounded", () => {
  const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql, params } = query.toSQL();
    const steps = await env.DB.prepare(`explain query plan ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return steps.results.map((s) => s.detail).join("\n");
  };

  it("finds the latest labelled tickets through the partial index, never walking unlabelled ones", async () => {
    const query = labelledExamples(createDb(env.DB), crypto.randomUUID());
    expect(await plan(query)).toMatch(/USING INDEX tickets_org_labelled_idx/);
  });
});
