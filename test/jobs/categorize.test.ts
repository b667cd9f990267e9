import { env } from "cloudflare:workers";
import { beforeEach, describe, expect } from "vitest";
import { it } from "../support/fixtures";
import { answer, failWith, fakeAi } from "../support/fake-ai";
import { createOrg, setCategories, setRoutingRules } from "../support/orgs";
import { AI_CHOICES, jobsOf, orgWithCategories, setCustomerCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { getTicket, newTicket } from "../support/tickets";
import { similarity } from "../../src/ai/similarity";
import { ticketTerms } from "../../src/ai/terms";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const ticketOf = async (key: string, id: string) => (await getTicket(key, id)).json.ticket;

describe("categorize job: choosing the category", () => {
  it("lets Workers AI choose among the active, AI-enabled ticket categories", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, {
      title: "Charged twice",
      description: "My card was charged two times this month",
      messages: [{ role: "customer", content: "Please refund one of them" }],
    });
    expect(message).toMatchObject({ kind: "categorize", ticketId: id });
    const ai = fakeAi(answer("Billing"));

    const result = await runQueue([message], { env: { AI: ai.binding } });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(result.retryMessages).toEqual([]);
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.model).toBe("@cf/meta/llama-3.1-8b-instruct-fast");
    expect(ai.calls[0]!.choices).toEqual(AI_CHOICES);
    expect(ai.calls[0]!.prompt).toContain("Ticket title: Charged twice");
    expect(ai.calls[0]!.prompt).toContain("customer: Please refund one of them");
    const ticket = await ticketOf(org.apiKey, id);
    expect(ticket).toMatchObject({
      category: "Billing",
      categorySource: "ai",
      status: "open",
      assignee: null,
      processing: { categorization: "done", notification: "skipped" },
    });
    const jobs = await jobsOf(id);
    expect(jobs.categorize).toMatchObject({ status: "done", attempts: 1 });
    // No Slack configured: the notify job is closed, nothing else goes on the queue.
    expect(jobs.notify.status).toBe("done");
    expect(sends.take()).toEqual([]);
  });

  it("accepts an answer given as a JSON string, matching names case-insensitively", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes on start" });
    await runQueue([message], { env: { AI: fakeAi(() => ({ response: '{"category":"technical"}' })).binding } });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ category: "Technical", categorySource: "ai" });
  });

  it("an answer of none is no category, decided by AI", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Refund for a double charge" });
    await runQueue([message], { env: { AI: fakeAi(answer("none")).binding } });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ category: null, categorySource: null, processing: { categorization: "done" } });
  });

  it.each([
    ["an unknown label", { response: { category: "Refunds" } }],
    ["a category the AI may not choose", { response: { category: "Internal" } }],
    ["no JSON at all (a model that ignores response_format)", { response: "I think Billing" }],
    ["truncated JSON", { response: '{"category":"Bill' }],
    ["an empty answer", {}],
  ])("counts %s as an AI failure: the fallback decides at once", async (_, reply) => {
    const org = await orgWithCategories();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, {
      title: "Refund for a double charge",
      description: "The invoice shows two charges",
    });
    const ai = fakeAi(() => reply);
    const result = await runQueue([message], { env: { AI: ai.binding } });
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(ai.calls).toHaveLength(1);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "fallback",
      processing: { categorization: "done" },
    });
  });

  it.each([
    ["3036", "3036: Capacity limit exceeded: you have used up your daily free allocation"],
    ["3023", "3023: Service unavailable for account"],
    ["3042", "3042: Invalid model name"],
  ])("account-level error %s is not transient: the fallback decides on the first attempt", async (_, error) => {
    const org = await orgWithCategories();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, {
      title: "Refund for a double charge",
      description: "The invoice shows two charges",
    });
    const ai = fakeAi(failWith(error));
    const result = await runQueue([message], { env: { AI: ai.binding }, attempts: 1 });
    expect(result.retryMessages).toEqual([]);
    expect(ai.calls).toHaveLength(1);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ categorySource: "fallback", processing: { categorization: "done" } });
  });

  it("sizes max_tokens so the longest category name fits, whatever its script", async () => {
    const org = await createOrg();
    const long = "Проблемы с оплатой и возвратом средств за подписку";
    await setCategories(org.id, [{ name: "Billing" }, { name: long }]);
    const { message } = await ticketAndMessage(sends, org.apiKey, { title: "Оплата" });
    const ai = fakeAi(answer(long));
    await runQueue([message], { env: { AI: ai.binding } });
    // UTF-8 bytes of the name (Cyrillic: 2 per letter) plus the JSON around it.
    expect(ai.calls[0]!.maxTokens).toBe(16 + new TextEncoder().encode(long).length);
    expect(ai.calls[0]!.maxTokens).toBeGreaterThan(64);
  });

  it("keeps the prompt bounded however long the ticket is", async ({ categorizedOrg: org }) => {
    const messages = Array.from({ length: 20 }, (_, i) => ({ role: "customer", content: `message ${i} ${"x".repeat(5_000)}` }));
    const { message } = await ticketAndMessage(sends, org.apiKey, { title: "Long", description: "d".repeat(20_000), messages });
    const ai = fakeAi(answer("none"));
    await runQueue([message], { env: { AI: ai.binding } });
    const prompt = ai.calls[0]!.prompt;
    expect(prompt.length).toBeLessThan(4_000);
    expect(prompt).toContain("message 2 ");
    expect(prompt).not.toContain("message 3 ");
  });

  it("retries a transient AI failure with backoff, then lets the fallback classifier decide", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, {
      title: "Refund for a double charge",
      description: "The invoice shows two charges",
    });
    const ai = fakeAi(failWith("3040: Capacity temporarily exceeded"));

    const first = await runQueue([message], { env: { AI: ai.binding }, attempts: 1 });
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toHaveLength(1);
    expect(first.delays["msg-0"]).toBeGreaterThanOrEqual(3);
    expect(first.delays["msg-0"]).toBeLessThanOrEqual(5);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ category: null, processing: { categorization: "pending" } });
    const job = (await jobsOf(id)).categorize;
    expect(job).toMatchObject({ status: "pending", attempts: 1, last_error: expect.stringContaining("Capacity") });
    // Stamped with its redelivery time, so the sweeper leaves it alone meanwhile.
    expect(Date.parse(job.enqueued_at!) - Date.now()).toBeGreaterThan(1_000);

    const second = await runQueue([message], { env: { AI: ai.binding }, attempts: 2 });
    expect(second.retryMessages.map((m) => m.msgId)).toEqual(["msg-0"]);
    expect(second.delays["msg-0"]).toBeGreaterThanOrEqual(5);
    expect(second.delays["msg-0"]).toBeLessThanOrEqual(10);

    // The third delivery is the last that may use AI: it falls back instead of retrying.
    const third = await runQueue([message], { env: { AI: ai.binding }, attempts: 3 });
    expect(third.explicitAcks).toEqual(["msg-0"]);
    expect(ai.calls).toHaveLength(3);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "fallback",
      processing: { categorization: "done" },
    });
  });

  it("counts attempts across a sweeper re-send, whose queue message starts again at 1", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Refund for a double charge" });
    const ai = fakeAi(failWith("3040: Capacity temporarily exceeded"));
    await runQueue([message], { env: { AI: ai.binding }, attempts: 1 });
    expect((await jobsOf(id)).categorize.attempts).toBe(1);
    // The sweeper's copy of the message arrives as attempt 1 again; the job's count goes on to 2.
    const resent = await runQueue([message], { env: { AI: ai.binding }, attempts: 1 });
    expect(resent.retryMessages).toHaveLength(1);
    expect((await jobsOf(id)).categorize.attempts).toBe(2);
    // And the next copy is the third attempt: AI's last, after which the fallback decides.
    const last = await runQueue([message], { env: { AI: ai.binding }, attempts: 1 });
    expect(last.explicitAcks).toEqual(["msg-0"]);
    expect(ai.calls).toHaveLength(3);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ categorySource: "fallback", processing: { categorization: "done" } });
  });

  it("goes straight to the fallback when AI is not available (the local binding throws)", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Login fails with an error after the update" });
    // The test runtime's own AI binding, like `wrangler dev`, throws "needs to be run remotely".
    const result = await runQueue([message]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ category: "Technical", categorySource: "fallback" });
  });

  it("uses the fallback when there is no AI binding at all, and says none when nothing fits", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Hello there" });
    await runQueue([message], { env: { AI: undefined } });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: null,
      categorySource: null,
      processing: { categorization: "done" },
    });
  });

  it("keeps a category named by the request and never asks AI", async ({ categorizedOrg: org }) => {
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Anything", category: "billing" });
    const ai = fakeAi(answer("Technical"));
    await runQueue([message], { env: { AI: ai.binding } });
    expect(ai.calls).toEqual([]);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "request",
      processing: { categorization: "skipped", notification: "skipped" },
    });
    expect((await jobsOf(id)).categorize.status).toBe("done");
  });
});

describe("categorize job: auto-resolve and routing", () => {
  it("resolves a ticket in an auto-resolve category and sends nothing to Slack", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/org" });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Buy cheap watches" });
    await runQueue([message], { env: { AI: fakeAi(answer("Spam")).binding } });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Spam",
      status: "resolved",
      processing: { categorization: "done", notification: "skipped" },
    });
    expect((await jobsOf(id)).notify.status).toBe("done");
    expect(sends.take()).toEqual([]);
  });

  it("hands the notify job to the queue when a webhook is configured", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/org" });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice question" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    const jobs = await jobsOf(id);
    expect(sends.take()).toEqual([{ jobId: jobs.notify.id, kind: "notify", ticketId: id, shard: org.shard }]);
    expect(jobs.notify).toMatchObject({ status: "pending", enqueued_at: expect.any(String) });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ processing: { notification: "pending" } });
  });

  it("applies the first rule whose every condition holds, in order", async ({ categorizedOrg: org }) => {
    await setRoutingRules(org.id, [
      { when: { ticketCategory: "Billing", priority: "urgent" }, assignTo: "@billing-urgent" },
      { when: { ticketCategory: "billing" }, assignTo: "@billing" },
      { when: { priority: "urgent" }, assignTo: "@on-call" },
    ]);
    const cases = [
      { category: "Billing", priority: "urgent", assignee: "@billing-urgent" },
      { category: "Billing", priority: "high", assignee: "@billing" },
      { category: "Technical", priority: "urgent", assignee: "@on-call" },
      { category: "Technical", priority: "low", assignee: null },
    ];
    for (const c of cases) {
      const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Routing", priority: c.priority });
      await runQueue([message], { env: { AI: fakeAi(answer(c.category)).binding } });
      expect(await ticketOf(org.apiKey, id), JSON.stringify(c)).toMatchObject({ category: c.category, assignee: c.assignee });
    }
  });

  it("matches customer-category conditions against any of the customer's categories", async ({ categorizedOrg: org }) => {
    await setRoutingRules(org.id, [
      { when: { ticketCategory: "Billing", customerCategory: "VIP" }, assignTo: "@vip-billing" },
      { when: { customerCategory: "VIP" }, assignTo: "@vip" },
      { when: { ticketCategory: "Billing" }, assignTo: "@billing" },
    ]);
    await ticketAndMessage(sends, org.apiKey, { title: "Create the customers", customerEmail: "vip@example.com" });
    await setCustomerCategories(org.id, "vip@example.com", ["Legacy", "vip"]);
    const cases = [
      { email: "vip@example.com", category: "Billing", assignee: "@vip-billing" },
      { email: "VIP@example.com", category: "Technical", assignee: "@vip" },
      { email: "plain@example.com", category: "Billing", assignee: "@billing" },
      { email: "plain@example.com", category: "Technical", assignee: null },
    ];
    for (const c of cases) {
      const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Routing", customerEmail: c.email });
      await runQueue([message], { env: { AI: fakeAi(answer(c.category)).binding } });
      expect((await ticketOf(org.apiKey, id)).assignee, JSON.stringify(c)).toBe(c.assignee);
    }
  });
});

describe("categorize job: redelivery", () => {
  it("does nothing when a finished job is delivered again", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/org" });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    const before = await ticketOf(org.apiKey, id);
    expect(sends.take()).toHaveLength(1);

    const ai = fakeAi(answer("Technical"));
    const again = await runQueue([message], { env: { AI: ai.binding }, attempts: 2 });
    expect(again.explicitAcks).toEqual(["msg-0"]);
    expect(ai.calls).toEqual([]);
    expect(await ticketOf(org.apiKey, id)).toEqual(before);
    expect(sends.take()).toEqual([]);
  });

  it("lets exactly one of two concurrent deliveries win", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/org" });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    let n = 0;
    const ai = fakeAi(() => ({ response: { category: n++ === 0 ? "Billing" : "Technical" } }));
    const result = await runQueue([message, message], { env: { AI: ai.binding } });
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    expect(["Billing", "Technical"]).toContain((await ticketOf(org.apiKey, id)).category);
    // One notify message, not two.
    expect(sends.take()).toHaveLength(1);
  });

  it("acks a message whose ticket or job does not exist, and an unreadable one", async () => {
    const result = await runQueue([{ jobId: "nope", kind: "categorize", ticketId: "missing" }, { bogus: true } as never]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    expect(env.DB).toBeDefined();
  });
});

describe("categorize job: the AI prompt's examples", () => {
  /** The example lines of the prompt, in order. */
  const examplesIn = (prompt: string) =>
    (prompt.split("Tickets this organization has already categorized, most similar first:\n")[1] ?? "")
      .split("\n\n")[0]!
      .split("\n")
      .filter((line) => line.startsWith("- "));

  it("are this organization's labelled tickets most similar to the ticket, by the classifier's similarity, never another organization's", async ({
    categorizedOrg: org,
  }) => {
    const other = await orgWithCategories();
    // The other organization labelled the very text of the ticket: it must not appear.
    await newTicket(other.apiKey, { title: "Refund the double charge on my card", customerEmail: "a@example.com", category: "Billing" });
    const labelled = [
      ["Refund the double charge on my card please", "Billing"],
      ["Double charge on my invoice", "Billing"],
      ["Card declined in the app", "Technical"],
      ["The app crashes on start", "Technical"],
    ] as const;
    for (const [title, category] of labelled) await newTicket(org.apiKey, { title, customerEmail: "a@example.com", category });
    sends.take();
    const { message } = await ticketAndMessage(sends, org.apiKey, { title: "Refund the double charge on my card" });
    const ai = fakeAi(answer("Billing"));

    await runQueue([message], { env: { AI: ai.binding } });

    const query = ticketTerms({ title: "Refund the double charge on my card", description: null, messages: [] });
    const ranked = labelled
      .map(([title, category]) => ({ title, category, s: similarity(query, ticketTerms({ title, description: null, messages: [] })) }))
      .filter((e) => e.s > 0)
      .sort((a, b) => b.s - a.s);
    expect(ranked.map((e) => e.title)).toEqual([
      "Refund the double charge on my card please",
      "Double charge on my invoice",
      "Card declined in the app",
    ]);
    expect(examplesIn(ai.calls[0]!.prompt)).toEqual(ranked.map((e) => `- ${JSON.stringify(e.title)} → ${e.category}`));
  });
});
