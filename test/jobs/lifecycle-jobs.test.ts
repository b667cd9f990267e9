import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../src/jobs/messages";
import { answer, fakeAi } from "../support/fake-ai";
import { addMessages, eventsOf, updateTicket } from "../support/lifecycle";
import { setRoutingRules, type TestOrg } from "../support/orgs";
import { orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, DEAD_LETTER_QUEUE, runQueue } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { getTicket, rows } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";
const RULE_WEBHOOK = "http://slack.test/services/billing";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const ticketOf = async (key: string, id: string) => (await getTicket(key, id)).json.ticket;

/** An org with the pipeline categories, Billing routed to @billing on its own webhook. */
const routedOrg = async (opts: { slackWebhookUrl?: string } = { slackWebhookUrl: ORG_WEBHOOK }) => {
  const org = await orgWithCategories(opts);
  await setRoutingRules(org.id, [
    { when: { ticketCategory: "Billing" }, assignTo: "@billing", slackWebhookUrl: RULE_WEBHOOK },
    { when: { ticketCategory: "Technical" }, assignTo: "@tech" },
  ]);
  return org;
};

/** Runs the categorize job with the AI answering `category`, then the first notification; returns the ticket's id. */
const throughPipeline = async (org: TestOrg, body: Record<string, unknown>, category: string) => {
  const { id, message } = await ticketAndMessage(sends, org.apiKey, body);
  await runQueue([message], { env: { AI: fakeAi(answer(category)).binding } });
  const notify = sends.take();
  if (notify.length) {
    interceptSlack(slackOk());
    await runQueue(notify);
    vi.mocked(globalThis.fetch).mockRestore();
  }
  return id;
};

const only = (messages: JobMessage[], kind: JobMessage["kind"]) => {
  const found = messages.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("manual overrides", () => {
  it("routing never overrides a manual assignee", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice wrong" });
    await updateTicket(org.apiKey, { ticketId: id, assignee: "@jane" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "ai",
      assignee: "@jane",
      assigneeSource: "manual",
    });
    expect((await eventsOf(org.apiKey, id)).filter((e) => e.type === "assigned").map((e) => e.actor.type)).toEqual(["api"]);
  });

  it("a manual category set while categorization is pending is kept: no AI, no auto-resolve, routing by it", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Buy cheap watches" });
    await updateTicket(org.apiKey, { ticketId: id, category: "Billing" });
    // No route job yet: the pending categorize job routes with the manual category.
    expect(sends.take()).toEqual([]);
    const ai = fakeAi(answer("Spam"));
    await runQueue([message], { env: { AI: ai.binding } });
    expect(ai.calls).toHaveLength(0);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "manual",
      status: "open",
      assignee: "@billing",
      assigneeSource: "rule",
      processing: { categorization: "done" },
    });
    expect(only(sends.take(), "notify")).toMatchObject({ ticketId: id });
  });

  it("a manual category set while the AI call is in flight wins: routed, assigned and notified by its rule", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice wrong" });
    // The agent's change lands after the job loaded the ticket and before its outcome commits.
    const ai = fakeAi(async () => {
      expect((await updateTicket(org.apiKey, { ticketId: id, category: "Technical" })).status).toBe(200);
      return { response: { category: "Billing" } };
    });
    await runQueue([message], { env: { AI: ai.binding } });
    expect(ai.calls).toHaveLength(1);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Technical",
      categorySource: "manual",
      assignee: "@tech",
      assigneeSource: "rule",
      processing: { categorization: "done" },
    });
    const events = await eventsOf(org.apiKey, id);
    expect(events.filter((e) => e.type === "categorized")).toEqual([]);
    expect(events.filter((e) => e.type === "assigned").map((e) => e.data)).toEqual([{ from: null, to: "@tech", source: "rule" }]);
    const posts = interceptSlack(slackOk());
    await runQueue([only(sends.take(), "notify")]);
    // Technical's rule has no webhook of its own: the organization's, not Billing's.
    expect(posts.map((p) => p.url)).toEqual([ORG_WEBHOOK]);
    expect(JSON.stringify(posts[0]!.body)).toContain("@tech");
  });

  it("a manual auto-resolve category never auto-resolves", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Not spam, says the agent" });
    await updateTicket(org.apiKey, { ticketId: id, category: "Spam" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ category: "Spam", categorySource: "manual", status: "open" });
    expect((await eventsOf(org.apiKey, id)).map((e) => e.type)).not.toContain("auto_resolved");
  });

  it("a manual category after categorization re-runs routing through a route job", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ assignee: "@tech", assigneeSource: "rule" });
    await updateTicket(org.apiKey, { ticketId: id, category: "billing" });
    const route = only(sends.take(), "route");
    await runQueue([route]);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "manual",
      assignee: "@billing",
      assigneeSource: "rule",
    });
    const assigned = (await eventsOf(org.apiKey, id)).filter((e) => e.type === "assigned");
    expect(assigned.map((e) => [e.actor.type, e.data])).toEqual([
      ["pipeline", { from: null, to: "@tech", source: "rule" }],
      ["pipeline", { from: "@tech", to: "@billing", source: "rule" }],
    ]);
    // Later events follow the new route's webhook.
    const posts = interceptSlack(slackOk());
    await addMessages(org.apiKey, { ticketId: id, messages: [{ role: "customer", content: "and it charged me" }] });
    await runQueue([only(sends.take(), "event")]);
    expect(posts.map((p) => p.url)).toEqual([RULE_WEBHOOK]);
  });

  it("a manual category with a manual assignee sends no route job", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    await updateTicket(org.apiKey, { ticketId: id, category: "Billing", assignee: "@jane" });
    expect(sends.take().map((m) => m.kind)).toEqual([]);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ assignee: "@jane", assigneeSource: "manual" });
  });

  it("a manual assignee set while a route job is in flight wins", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    await updateTicket(org.apiKey, { ticketId: id, category: "Billing" });
    const route = only(sends.take(), "route");
    await updateTicket(org.apiKey, { ticketId: id, assignee: "@jane" });
    await runQueue([route]);
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ assignee: "@jane", assigneeSource: "manual" });
  });
});

describe("Slack on customer replies and status changes", () => {
  it("posts a reply to the ticket's webhook, escaped and verbatim", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "Refund <@U999>", customerEmail: "jane@example.com" }, "Billing");
    await updateTicket(org.apiKey, { ticketId: id, status: "resolved" });
    // The status change is posted first: posts of one ticket reach Slack in order.
    interceptSlack(slackOk());
    await runQueue([only(sends.take(), "event")]);
    vi.mocked(globalThis.fetch).mockRestore();
    await addMessages(org.apiKey, {
      ticketId: id,
      messages: [{ role: "customer", content: "Still charged twice <!channel> see https://evil.test" }],
    });
    const event = only(sends.take(), "event");
    const posts = interceptSlack(slackOk());
    const result = await runQueue([event]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(posts).toEqual([
      {
        url: RULE_WEBHOOK,
        body: {
          text: `Customer replied on ticket ${id}`,
          unfurl_links: false,
          unfurl_media: false,
          blocks: [
            { type: "header", text: { type: "plain_text", text: "Refund &lt;@U999&gt;", emoji: false } },
            {
              type: "section",
              text: {
                type: "mrkdwn",
                text: "*Customer replied* · reopened (resolved → open)\nStill charged twice &lt;!channel&gt; see https://evil.test",
                verbatim: true,
              },
            },
            {
              type: "context",
              elements: [{ type: "mrkdwn", text: `Ticket ${id} · jane@example.com · status open · ticket-intake`, verbatim: true }],
            },
          ],
        },
      },
    ]);
    expect(JSON.stringify(posts[0]!.body)).not.toContain("<");
    const [sent] = (await eventsOf(org.apiKey, id)).filter((e) => e.type === "notification_sent").slice(-1);
    const [added] = (await eventsOf(org.apiKey, id)).filter((e) => e.type === "message_added");
    expect(sent!.data).toEqual({ eventId: added!.id, error: null });
  });

  it("posts a status change saying from, to and by whom", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes", customerEmail: "sam@example.com" }, "Technical");
    await updateTicket(org.apiKey, { ticketId: id, status: "waiting_for_customer" });
    const posts = interceptSlack(slackOk());
    await runQueue([only(sends.take(), "event")]);
    expect(posts).toEqual([
      {
        url: ORG_WEBHOOK,
        body: {
          text: `Ticket ${id}: open → waiting_for_customer`,
          unfurl_links: false,
          unfurl_media: false,
          blocks: [
            { type: "header", text: { type: "plain_text", text: "App crashes", emoji: false } },
            {
              type: "section",
              text: {
                type: "mrkdwn",
                text: `*Status changed* · open → waiting_for_customer by API key ${org.apiKey.slice(0, 12)}…`,
                verbatim: true,
              },
            },
            {
              type: "context",
              elements: [
                { type: "mrkdwn", text: `Ticket ${id} · sam@example.com · status waiting_for_customer · ticket-intake`, verbatim: true },
              ],
            },
          ],
        },
      },
    ]);
    expect(JSON.stringify(posts)).not.toContain(org.apiKey);
  });

  it("an agent's message is not announced", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    await addMessages(org.apiKey, { ticketId: id, messages: [{ role: "agent", content: "Looking into it" }] });
    expect(sends.take()).toEqual([]);
  });

  it("nothing is sent for a ticket no webhook applies to", async () => {
    const org = await routedOrg({});
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    expect((await ticketOf(org.apiKey, id)).processing.notification).toBe("skipped");
    await updateTicket(org.apiKey, { ticketId: id, status: "resolved" });
    await addMessages(org.apiKey, { ticketId: id, messages: [{ role: "customer", content: "hello?" }] });
    const posts = interceptSlack(slackOk());
    // One at a time: the reply's post waits for the status change's.
    for (const job of sends.take()) await runQueue([job]);
    expect(posts).toEqual([]);
    expect(await rows("select status from jobs where ticket_id = ? and kind = 'event'", id)).toEqual([
      { status: "done" },
      { status: "done" },
    ]);
  });

  it("redelivery never posts twice once Slack answered 2xx and the outcome was stored", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    const event = only(sends.take(), "event");
    const posts = interceptSlack(slackOk());
    await runQueue([event]);
    const again = await runQueue([event], { attempts: 2 });
    expect(again.explicitAcks).toEqual(["msg-0"]);
    expect(posts).toHaveLength(1);
    expect(await rows("select status from jobs where id = ?", event.jobId)).toEqual([{ status: "done" }]);
  });

  it("a 429 is rescheduled after Retry-After; a 4xx fails for good and is recorded", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    const event = only(sends.take(), "event");
    interceptSlack({ status: 429, body: "rate_limited", headers: { "retry-after": "7" } }, { status: 404, body: "channel_not_found" });
    const first = await runQueue([event]);
    expect(first.explicitAcks).toEqual(["msg-0"]);
    const [rescheduled] = sends.take();
    expect(rescheduled).toEqual({ ...event, rateLimited: 1 });
    expect(sends.delayOf(event.jobId)).toBeGreaterThanOrEqual(7);
    await runQueue([rescheduled!]);
    const failed = (await eventsOf(org.apiKey, id)).filter((e) => e.type === "notification_failed");
    expect(failed.map((e) => e.data)).toEqual([{ eventId: expect.any(String), error: "HTTP 404: channel_not_found" }]);
    // The ticket's own notification state is the first notification's.
    expect((await ticketOf(org.apiKey, id)).processing.notification).toBe("sent");
  });

  it("a dead-lettered event job is recorded as a failed notification", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "App crashes" }, "Technical");
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    const event = only(sends.take(), "event");
    await runQueue([event], { queue: DEAD_LETTER_QUEUE, attempts: 6 });
    expect(await rows("select status from jobs where id = ?", event.jobId)).toEqual([{ status: "failed" }]);
    expect((await eventsOf(org.apiKey, id)).at(-1)).toMatchObject({ type: "notification_failed", actor: { type: "pipeline" } });
    expect((await ticketOf(org.apiKey, id)).processing.notification).toBe("sent");
  });
});

describe("event history", () => {
  it("records every kind of change in order, by who made it", async () => {
    const org = await routedOrg();
    await setRoutingRules(org.id, [{ when: { ticketCategory: "Technical" }, assignTo: "@tech" }]);
    const id = await throughPipeline(org, { title: "App crashes", priority: "low" }, "Technical");
    await updateTicket(org.apiKey, {
      ticketId: id,
      status: "waiting_for_customer",
      priority: "high",
      category: "Billing",
      assignee: "@jane",
    });
    interceptSlack({ status: 404, body: "no_service" });
    await runQueue([only(sends.take(), "event")]);
    await addMessages(org.apiKey, { ticketId: id, messages: [{ role: "customer", content: "here are the logs" }] });
    await runQueue([only(sends.take(), "event")]);
    const spam = await throughPipeline(org, { title: "Cheap watches" }, "Spam");

    expect((await eventsOf(org.apiKey, id)).map((e) => `${e.type}/${e.actor.type}`)).toEqual([
      "created/api",
      "categorized/pipeline",
      "assigned/pipeline",
      "notification_sent/pipeline",
      "status_changed/api",
      "priority_changed/api",
      "assigned/api",
      "category_changed/api",
      "notification_failed/pipeline",
      "message_added/api",
      "status_changed/api",
      "notification_failed/pipeline",
    ]);
    expect((await eventsOf(org.apiKey, spam)).map((e) => e.type)).toEqual(["created", "categorized", "auto_resolved"]);
  });
});

describe("Slack posts whatever became of the first notification", () => {
  it("a ticket an agent resolved before its first notification is still posted as new", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
    await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
    const notify = only(sends.take(), "notify");
    await updateTicket(org.apiKey, { ticketId: id, status: "resolved" });
    sends.take();
    const posts = interceptSlack(slackOk());
    await runQueue([notify]);
    expect(posts.map((p) => p.body.text)).toEqual([`New medium ticket ${id}`]);
    expect((await ticketOf(org.apiKey, id)).processing.notification).toBe("sent");
  });

  it("the status change of a ticket resolved before its first notification is posted after it", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
    await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
    const notify = only(sends.take(), "notify");
    await updateTicket(org.apiKey, { ticketId: id, status: "resolved" });
    const event = only(sends.take(), "event");
    const posts = interceptSlack(slackOk());
    // The status change arrives first: it waits for the new-ticket post, spending no retry.
    const early = await runQueue([event]);
    expect(early.retryMessages).toEqual([]);
    const [waiting] = sends.take();
    await runQueue([notify]);
    await runQueue([waiting!]);
    expect(posts.map((p) => p.body.text)).toEqual([`New medium ticket ${id}`, `Ticket ${id}: open → resolved`]);
  });

  it("a customer reply on an auto-resolved ticket is posted, to the route's webhook", async () => {
    const org = await routedOrg();
    const id = await throughPipeline(org, { title: "Cheap watches" }, "Spam");
    expect(await ticketOf(org.apiKey, id)).toMatchObject({ status: "resolved", processing: { notification: "skipped" } });
    await addMessages(org.apiKey, { ticketId: id, messages: [{ role: "customer", content: "Not spam: my order is missing" }] });
    const posts = interceptSlack(slackOk());
    await runQueue([only(sends.take(), "event")]);
    expect(posts.map((p) => [p.url, p.body.text])).toEqual([[ORG_WEBHOOK, `Customer replied on ticket ${id}`]]);
  });

  it("a status change after a failed first notification is posted", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
    await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
    interceptSlack({ status: 404, body: "no_service" });
    await runQueue([only(sends.take(), "notify")]);
    vi.mocked(globalThis.fetch).mockRestore();
    expect((await ticketOf(org.apiKey, id)).processing.notification).toBe("failed");
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    const posts = interceptSlack(slackOk());
    await runQueue([only(sends.take(), "event")]);
    expect(posts.map((p) => p.body.text)).toEqual([`Ticket ${id}: open → in_progress`]);
  });
});

describe("an event job that arrives before the ticket's first notification", () => {
  it("waits for categorization without spending a retry, then posts to the webhook it chose", async () => {
    const org = await routedOrg();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    const event = only(sends.take(), "event");
    const posts = interceptSlack(slackOk());

    const early = await runQueue([event]);
    expect(early.explicitAcks).toEqual(["msg-0"]);
    expect(early.retryMessages).toEqual([]);
    const [waiting] = sends.take();
    expect(waiting).toEqual({ ...event, rateLimited: 1 });
    expect(sends.delayOf(event.jobId)).toBe(30);
    expect(posts).toEqual([]);

    await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
    await runQueue([only(sends.take(), "notify")]);
    await runQueue([waiting!]);
    expect(posts.map((p) => [p.url, p.body.text])).toEqual([
      [ORG_WEBHOOK, `New medium ticket ${id}`],
      [ORG_WEBHOOK, `Ticket ${id}: open → in_progress`],
    ]);
    expect(await rows("select status, attempts from jobs where id = ?", event.jobId)).toEqual([{ status: "done", attempts: 1 }]);
  });
});
