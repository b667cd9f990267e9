import { beforeEach, describe, expect, it } from "vitest";
import type { JobMessage } from "../../src/jobs/messages";
import { answer, fakeAi } from "../support/fake-ai";
import { jobsOf, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { interceptSlack, slackOk, type SlackPost } from "../support/slack";
import { getTicket } from "../support/tickets";
import { crashingD1 } from "./crashing-d1";
import { withShardDb } from "../support/shards";

const WEBHOOK = "http://slack.test/services/reliability";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const postsFor = (posts: SlackPost[], ticketId: string) => posts.filter((p) => JSON.stringify(p.body).includes(ticketId));

/** Six tickets waiting for categorization in an organization that notifies Slack. */
const sixTickets = async () => {
  const org = await orgWithCategories({ slackWebhookUrl: WEBHOOK });
  const created: { id: string; message: JobMessage }[] = [];
  for (let i = 0; i < 6; i++) {
    created.push(await ticketAndMessage(sends, org.apiKey, { title: `Refund request ${i}`, description: "Charged twice" }));
  }
  return { org, ids: created.map((c) => c.id), messages: created.map((c) => c.message) };
};

describe("consumer crashes mid-batch and the batch is redelivered", () => {
  it("categorizes every ticket exactly once and queues one notification per ticket", async () => {
    const { org, ids, messages } = await sixTickets();
    const ai = fakeAi(answer("Billing"));
    const doomed = [ids[1]!, ids[3]!, ids[5]!];

    // First delivery: D1 dies for half the batch right after the AI answered (their 2nd D1 call).
    const first = await runQueue(messages, { env: { AI: ai.binding, ...withShardDb(org.shard, crashingD1(org.db, doomed, [2])) } });
    expect(first.explicitAcks.sort()).toEqual(["msg-0", "msg-2", "msg-4"]);
    expect(first.retryMessages.map((m) => m.msgId).sort()).toEqual(["msg-1", "msg-3", "msg-5"]);
    for (const id of doomed) expect((await jobsOf(id)).categorize.status).toBe("pending");
    const notifiesAfterCrash = sends.take();
    expect(notifiesAfterCrash.map((m) => m.ticketId).sort()).toEqual([ids[0], ids[2], ids[4]].sort());

    // A crash loses the acks too: the queue hands the whole batch over again.
    const second = await runQueue(messages, { attempts: 2, env: { AI: ai.binding } });
    expect(second.explicitAcks).toHaveLength(6);
    expect(second.retryMessages).toEqual([]);

    const notifies = [...notifiesAfterCrash, ...sends.take()];
    expect(notifies.map((m) => m.ticketId).sort()).toEqual([...ids].sort());
    expect(notifies.every((m) => m.kind === "notify")).toBe(true);
    for (const id of ids) {
      const ticket = (await getTicket(org.apiKey, id)).json.ticket;
      expect(ticket).toMatchObject({
        category: "Billing",
        categorySource: "ai",
        processing: { categorization: "done", notification: "pending" },
      });
      expect((await jobsOf(id)).categorize.status).toBe("done");
    }
    // The AI ran once per ticket, plus once more for each ticket whose result was lost in the crash.
    expect(ai.calls).toHaveLength(6 + doomed.length);
  });

  it("posts one Slack message per ticket when the notify batch crashes before posting and is redelivered", async () => {
    const { org, ids, messages } = await sixTickets();
    await runQueue(messages, { env: { AI: fakeAi(answer("Billing")).binding } });
    const notifies = sends.take();
    expect(notifies).toHaveLength(6);
    const posts = interceptSlack(slackOk());
    const doomed = [ids[0]!, ids[4]!];

    // D1 dies for two tickets on their first call, before anything was posted for them.
    const first = await runQueue(notifies, { env: withShardDb(org.shard, crashingD1(org.db, doomed, [1])) });
    expect(first.retryMessages).toHaveLength(2);
    expect(posts).toHaveLength(4);

    await runQueue(notifies, { attempts: 2 });
    expect(posts).toHaveLength(6);
    for (const id of ids) {
      expect(postsFor(posts, id)).toHaveLength(1);
      expect((await getTicket(org.apiKey, id)).json.ticket.processing.notification).toBe("sent");
    }
    // A third delivery of everything (the queue may do that too) posts nothing more.
    await runQueue(notifies, { attempts: 3 });
    expect(posts).toHaveLength(6);
  });

  it("never loses a notification that crashed between Slack's answer and the D1 write: it is posted again (at-least-once)", async () => {
    const { org, ids, messages } = await sixTickets();
    await runQueue(messages, { env: { AI: fakeAi(answer("Billing")).binding } });
    const notifies = sends.take();
    const posts = interceptSlack(slackOk());

    // The 2nd D1 call of ticket 2's notify job is the record after the post: it dies.
    const first = await runQueue(notifies, { env: withShardDb(org.shard, crashingD1(org.db, [ids[2]!], [2])) });
    expect(first.retryMessages).toHaveLength(1);
    expect(postsFor(posts, ids[2]!)).toHaveLength(1);
    expect((await getTicket(org.apiKey, ids[2]!)).json.ticket.processing.notification).toBe("pending");

    await runQueue(notifies, { attempts: 2 });
    // The documented window: one duplicate for that ticket, none for the others, and nothing lost.
    expect(postsFor(posts, ids[2]!)).toHaveLength(2);
    for (const id of ids) {
      if (id !== ids[2]) expect(postsFor(posts, id)).toHaveLength(1);
      expect((await getTicket(org.apiKey, id)).json.ticket.processing.notification).toBe("sent");
    }
  });
});
