import { beforeEach, describe, expect, it } from "vitest";
import type { JobMessage } from "../../src/jobs/messages";
import { answer, fakeAi } from "../support/fake-ai";
import { admin } from "../support/http";
import { setRoutingRules, type TestOrg } from "../support/orgs";
import { jobsOf, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { getTicket, rows } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

/** A ticket taken through categorization by the fake AI; returns the notify message it produced. */
const categorized = async (org: TestOrg, body: Record<string, unknown>, category = "Billing") => {
  const { id, message } = await ticketAndMessage(sends, org.apiKey, body);
  await runQueue([message], { env: { AI: fakeAi(answer(category)).binding } });
  const [notify] = sends.take();
  expect(notify).toMatchObject({ kind: "notify", ticketId: id });
  return { id, notify: notify! };
};

const stateOf = async (org: TestOrg, id: string) => {
  const ticket = (await getTicket(org.apiKey, id)).json.ticket;
  return { notification: ticket.processing.notification, job: (await jobsOf(id)).notify };
};

const deliver = (notify: JobMessage, attempts = 1) => runQueue([notify], { attempts });

describe("notify job", () => {
  it("posts the Block Kit message, escaped, to the matched rule's webhook and records it sent", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    await setRoutingRules(org.id, [
      { when: { ticketCategory: "Billing" }, assignTo: "@billing-team <!here>", slackWebhookUrl: "http://slack.test/services/billing" },
    ]);
    const { id, notify } = await categorized(org, {
      title: "Refund <!channel> & more",
      priority: "high",
      customerEmail: "Jane@Example.com",
      messages: [
        { role: "bot", content: "Hi! How can I help?" },
        { role: "customer", content: "Ping <@U123> & see <https://x|y>" },
      ],
    });
    const posts = interceptSlack(slackOk());

    const result = await deliver(notify);

    expect(result.explicitAcks).toEqual(["msg-0"]);
    const ticket = (await getTicket(org.apiKey, id)).json.ticket;
    expect(posts).toEqual([
      {
        url: "http://slack.test/services/billing",
        body: {
          text: `New high ticket ${id}`,
          unfurl_links: false,
          unfurl_media: false,
          blocks: [
            { type: "header", text: { type: "plain_text", text: "Refund &lt;!channel&gt; &amp; more", emoji: false } },
            {
              type: "section",
              fields: [
                { type: "mrkdwn", text: "*Priority*\nhigh", verbatim: true },
                { type: "mrkdwn", text: "*Category*\nBilling (ai)", verbatim: true },
                { type: "mrkdwn", text: "*Assignee*\n@billing-team &lt;!here&gt;", verbatim: true },
                { type: "mrkdwn", text: "*Customer*\nJane@Example.com", verbatim: true },
                { type: "mrkdwn", text: `*Ticket ID*\n${id}`, verbatim: true },
              ],
            },
            {
              type: "section",
              text: { type: "mrkdwn", text: "*First customer message*\nPing &lt;@U123&gt; &amp; see &lt;https://x|y&gt;", verbatim: true },
            },
            {
              type: "context",
              elements: [{ type: "mrkdwn", text: `Status open · created ${ticket.createdAt} · ticket-intake`, verbatim: true }],
            },
          ],
        },
      },
    ]);
    // Nothing anywhere in the payload can open a mention or a link.
    expect(JSON.stringify(posts[0]!.body)).not.toContain("<");
    expect(ticket).toMatchObject({ assignee: "@billing-team <!here>", processing: { notification: "sent" } });
    expect((await jobsOf(id)).notify).toMatchObject({ status: "done", attempts: 1 });
  });

  it("falls back to the organization's webhook and never posts twice on redelivery", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, notify } = await categorized(org, { title: "Invoice", description: "Where is my invoice?" });
    const posts = interceptSlack(slackOk());
    await deliver(notify);
    expect(posts.map((p) => p.url)).toEqual([ORG_WEBHOOK]);
    // With no customer message, the description is quoted.
    expect(posts[0]!.body.blocks[2].text.text).toBe("*First customer message*\nWhere is my invoice?");

    const again = await deliver(notify, 2);
    expect(again.explicitAcks).toEqual(["msg-0"]);
    expect(posts).toHaveLength(1);
    expect(await stateOf(org, id)).toMatchObject({ notification: "sent", job: { status: "done" } });
  });

  it("reschedules a 429 after its Retry-After plus jitter without spending a retry, then sends", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, notify } = await categorized(org, { title: "Invoice" });
    const posts = interceptSlack({ status: 429, body: "rate_limited", headers: { "retry-after": "42" } }, slackOk());

    const first = await deliver(notify);
    // Acked and sent again as a fresh message: the queue's retry count is untouched.
    expect(first.explicitAcks).toEqual(["msg-0"]);
    expect(first.retryMessages).toEqual([]);
    const [again] = sends.take();
    expect(again).toEqual({ ...notify, rateLimited: 1 });
    expect(sends.delayOf(notify.jobId)).toBeGreaterThanOrEqual(42);
    expect(sends.delayOf(notify.jobId)).toBeLessThanOrEqual(42 + 10);
    expect(await stateOf(org, id)).toMatchObject({
      notification: "pending",
      job: { status: "pending", attempts: 0, last_error: "HTTP 429: rate_limited" },
    });

    const second = await deliver(again!, 1);
    expect(second.explicitAcks).toEqual(["msg-0"]);
    expect(posts).toHaveLength(2);
    expect(await stateOf(org, id)).toMatchObject({ notification: "sent", job: { status: "done", attempts: 1 } });
  });

  it("retries 5xx answers and network errors with growing, jittered backoff", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, notify } = await categorized(org, { title: "Invoice" });
    interceptSlack({ status: 500, body: "internal_error" }, new TypeError("Network connection lost"));

    const first = await deliver(notify, 1);
    expect(first.delays["msg-0"]).toBeGreaterThanOrEqual(3);
    expect(first.delays["msg-0"]).toBeLessThanOrEqual(5);
    const fourth = await deliver(notify, 4);
    expect(fourth.delays["msg-0"]).toBeGreaterThanOrEqual(20);
    expect(fourth.delays["msg-0"]).toBeLessThanOrEqual(40);
    expect(await stateOf(org, id)).toMatchObject({
      notification: "pending",
      job: { status: "pending", attempts: 4, last_error: "connection failed" },
    });
  });

  it.each([
    [404, "channel_not_found"],
    [400, "invalid_payload"],
    [403, "action_prohibited"],
    [410, "channel_is_archived"],
  ])("treats %i %s as permanent: failed, no retry", async (status, text) => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, notify } = await categorized(org, { title: "Invoice" });
    const posts = interceptSlack({ status, body: text });
    const result = await deliver(notify);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(result.retryMessages).toEqual([]);
    expect(await stateOf(org, id)).toMatchObject({
      notification: "failed",
      job: { status: "failed", last_error: `HTTP ${status}: ${text}` },
    });
    await deliver(notify, 2);
    expect(posts).toHaveLength(1);
  });

  it("posts where routing decided at categorization, even if the rules change before sending", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    await setRoutingRules(org.id, [
      { when: { priority: "high" }, assignTo: "@first", slackWebhookUrl: "http://slack.test/services/first" },
    ]);
    const { id, notify } = await categorized(org, { title: "Invoice", priority: "high" });
    expect((await jobsOf(id)).notify).toMatchObject({ webhook_url: "http://slack.test/services/first" });
    await setRoutingRules(org.id, [
      { when: { priority: "high" }, assignTo: "@second", slackWebhookUrl: "http://slack.test/services/second" },
    ]);
    expect((await admin("PATCH", `/admin/organizations/${org.id}`, { slackWebhookUrl: null })).status).toBe(200);
    const posts = interceptSlack(slackOk());
    await deliver(notify);
    // The message and the channel agree with the assignee stored on the ticket.
    expect(posts.map((p) => p.url)).toEqual(["http://slack.test/services/first"]);
    expect(JSON.stringify(posts[0]!.body)).toContain("@first");
    expect(await stateOf(org, id)).toMatchObject({ notification: "sent", job: { status: "done" } });
    expect((await getTicket(org.apiKey, id)).json.ticket.assignee).toBe("@first");
  });

  it("checks the webhook against SLACK_WEBHOOK_ALLOWED_ORIGINS again before sending", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, notify } = await categorized(org, { title: "Invoice" });
    // As if the allow-list had shrunk after routing chose this URL.
    await rows("update jobs set webhook_url = ? where id = ?", "https://hooks.slack.com.evil.test/x", notify.jobId);
    const posts = interceptSlack(slackOk());
    await deliver(notify);
    expect(posts).toEqual([]);
    expect(await stateOf(org, id)).toMatchObject({
      notification: "failed",
      job: { status: "failed", last_error: expect.stringContaining("SLACK_WEBHOOK_ALLOWED_ORIGINS") },
    });
  });

  it("acks a notify that arrives before its categorization finished, leaving the job for categorize to send", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    const jobs = await jobsOf(id);
    const posts = interceptSlack(slackOk());
    const result = await deliver({ jobId: jobs.notify.id, kind: "notify", ticketId: id });
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(result.retryMessages).toEqual([]);
    expect(posts).toEqual([]);
    expect((await jobsOf(id)).notify).toMatchObject({ status: "pending", attempts: 0 });
  });
});
