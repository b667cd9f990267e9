import { beforeEach, describe, expect, it, vi } from "vitest";
import { answer, fakeAi } from "../support/fake-ai";
import { jobsOf, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, DEAD_LETTER_QUEUE, runQueue } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { eventsOf, updateTicket } from "../support/lifecycle";
import { getTicket, rows } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";
// The queue's max_retries is 5: a dead-lettered message has been delivered 6 times.
const EXHAUSTED = 6;

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const processingOf = async (key: string, id: string) => (await getTicket(key, id)).json.ticket;

describe("dead-letter queue", () => {
  it("marks a notification that exhausted its retries failed, without posting again", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    const [notify] = sends.take();
    const posts = interceptSlack(slackOk());

    const result = await runQueue([notify!], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(posts).toEqual([]);
    expect(await processingOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      processing: { categorization: "done", notification: "failed" },
    });
    expect((await jobsOf(id)).notify).toMatchObject({ status: "failed", attempts: EXHAUSTED, last_error: "exhausted its retries" });
  });

  it("gives a dead-lettered categorization one last run with the fallback classifier, so it is not left pending", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "The app crashes with an error" });
    const ai = fakeAi(answer("Billing"));

    const result = await runQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED, env: { AI: ai.binding } });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(ai.calls).toEqual([]);
    expect(await processingOf(org.apiKey, id)).toMatchObject({
      category: "Technical",
      categorySource: "fallback",
      processing: { categorization: "done", notification: "pending" },
    });
    expect(sends.take()).toEqual([{ jobId: (await jobsOf(id)).notify.id, kind: "notify", ticketId: id, shard: org.shard }]);
  });

  it("marks categorization and notification failed when even the last run fails", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    // The last run's read fails; recording the failure still works.
    vi.spyOn(org.db, "batch").mockRejectedValueOnce(new Error("D1_ERROR: storage caused object to be reset"));

    const result = await runQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(await processingOf(org.apiKey, id)).toMatchObject({
      category: null,
      processing: { categorization: "failed", notification: "failed" },
    });
    const jobs = await jobsOf(id);
    expect(jobs.categorize).toMatchObject({ status: "failed", last_error: expect.stringContaining("storage caused object to be reset") });
    expect(jobs.notify.status).toBe("failed");
  });

  it("keeps a category given by the request when its job dead-letters", async () => {
    const org = await orgWithCategories();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice", category: "Billing" });
    vi.spyOn(org.db, "batch").mockRejectedValueOnce(new Error("D1 down"));
    await runQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });
    expect(await processingOf(org.apiKey, id)).toMatchObject({
      category: "Billing",
      categorySource: "request",
      processing: { categorization: "skipped", notification: "failed" },
    });
  });

  it("fails a dead-lettered route job alone: the ticket's states, its notification and its events stay as they were", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    interceptSlack(slackOk());
    await runQueue(sends.take());
    vi.mocked(globalThis.fetch).mockRestore();
    await updateTicket(org.apiKey, { ticketId: id, category: "Technical" });
    const [route] = sends.take();
    const before = { ticket: await processingOf(org.apiKey, id), events: await eventsOf(org.apiKey, id) };

    const result = await runQueue([route!], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });

    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(route).toMatchObject({ kind: "route" });
    expect(await rows("select status, attempts from jobs where id = ?", route!.jobId)).toEqual([{ status: "failed", attempts: EXHAUSTED }]);
    expect((await jobsOf(id)).notify.status).toBe("done");
    expect({ ticket: await processingOf(org.apiKey, id), events: await eventsOf(org.apiKey, id) }).toEqual(before);
  });

  it("changes nothing when a finished job reaches it again", async () => {
    const org = await orgWithCategories();
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    await runQueue([message], { env: { AI: fakeAi(answer("Billing")).binding } });
    const before = await processingOf(org.apiKey, id);
    await runQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });
    expect(await processingOf(org.apiKey, id)).toEqual(before);
    expect((await jobsOf(id)).categorize.status).toBe("done");
  });

  it("retries the dead-letter message itself when the failure cannot be recorded", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
    vi.spyOn(org.db, "batch").mockRejectedValue(new Error("D1 down"));
    const result = await runQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: EXHAUSTED });
    vi.mocked(org.db.batch).mockRestore();
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["msg-0"]);
    expect((await jobsOf(id)).categorize.status).toBe("pending");
  });
});
