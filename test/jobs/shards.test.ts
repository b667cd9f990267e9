import { beforeEach, describe, expect, it, vi } from "vitest";
import { answer, fakeAi } from "../support/fake-ai";
import { jobsOf, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, DEAD_LETTER_QUEUE, runCron, runQueue } from "../support/queue";
import { shardDb } from "../support/shards";
import { getTicket } from "../support/tickets";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const MINUTE = 60_000;

describe("jobs on every shard", () => {
  it("a job whose queue message was lost on shard 2 is re-sent by the sweeper, naming shard 2, and then runs there", async () => {
    const org = await orgWithCategories({ shard: 2, slackWebhookUrl: "http://slack.test/services/org" });
    // The categorize message is taken here and never delivered: lost.
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice charged twice" });
    expect(message).toMatchObject({ kind: "categorize", ticketId: id, shard: 2 });

    // Ten minutes later the sweeper (one cron run for every shard) presumes it lost and sends it again.
    const later = Date.now() + 11 * MINUTE;
    await runCron(later);
    const resent = sends.take().filter((m) => m.ticketId === id);
    expect(resent).toEqual([{ jobId: (await jobsOf(id)).categorize.id, kind: "categorize", ticketId: id, shard: 2 }]);

    await runQueue(resent, { env: { AI: fakeAi(answer("Billing")).binding } });
    expect((await getTicket(org.apiKey, id)).json.ticket).toMatchObject({ category: "Billing", processing: { categorization: "done" } });
    // The next job (notify) names shard 2 as well.
    expect(sends.take()).toEqual([{ jobId: (await jobsOf(id)).notify.id, kind: "notify", ticketId: id, shard: 2 }]);
  });

  it("a shard whose database fails does not stop the sweep of the others", async () => {
    const org = await orgWithCategories({ shard: 2 });
    const { id } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice charged twice" });
    vi.spyOn(shardDb(1), "batch").mockRejectedValue(new Error("D1_ERROR: shard 1 is down"));
    const logged = vi.spyOn(console, "error");
    await runCron(Date.now() + 11 * MINUTE);
    expect(sends.take().filter((m) => m.ticketId === id)).toEqual([expect.objectContaining({ kind: "categorize", shard: 2 })]);
    expect(logged.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringContaining('"msg":"outbox sweep failed on a shard","shard":1'),
    );
  });

  it("one consumer batch serves the jobs of three shards, each on its own database", async () => {
    const orgs = await Promise.all([0, 1, 2].map((shard) => orgWithCategories({ shard })));
    const created = [];
    for (const org of orgs) created.push(await ticketAndMessage(sends, org.apiKey, { title: "Refund please, charged twice" }));
    expect(created.map((c) => c.message.shard)).toEqual([0, 1, 2]);

    const result = await runQueue(
      created.map((c) => c.message),
      { env: { AI: fakeAi(answer("Billing")).binding } },
    );
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
    for (const [i, org] of orgs.entries()) {
      expect((await getTicket(org.apiKey, created[i]!.id)).json.ticket.processing.categorization).toBe("done");
    }
  });

  it("a message from before sharding (no shard) is shard 0's", async () => {
    const org = await orgWithCategories({ shard: 0 });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice question" });
    const { shard: _dropped, ...legacy } = message;
    const result = await runQueue([legacy], { env: { AI: fakeAi(answer("Billing")).binding } });
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect((await getTicket(org.apiKey, id)).json.ticket.processing.categorization).toBe("done");
  });

  it("the dead-letter handler settles a job on its own shard", async () => {
    const org = await orgWithCategories({ shard: 1 });
    const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "The app crashes with an error" });
    const result = await runQueue([message], { queue: DEAD_LETTER_QUEUE, attempts: 6 });
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect((await getTicket(org.apiKey, id)).json.ticket).toMatchObject({
      categorySource: "fallback",
      processing: { categorization: "done" },
    });
  });

  it("a message naming a shard this deployment does not have is retried, not dropped: the outbox keeps the job", async () => {
    const result = await runQueue([{ jobId: "j", kind: "categorize", ticketId: "t", shard: 7 }]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["msg-0"]);
  });
});
