import { beforeEach, describe, expect, it } from "vitest";
import { INTERNAL_JOB_ERROR } from "../../src/jobs/outcome";
import { crashingD1 } from "../reliability/crashing-d1";
import { answer, fakeAi } from "../support/fake-ai";
import { eventsOf } from "../support/lifecycle";
import { orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, DEAD_LETTER_QUEUE, runQueue } from "../support/queue";
import { withShardDb } from "../support/shards";
import { interceptSlack } from "../support/slack";
import { getTicket } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

/** A categorized ticket and the notify message categorization produced for it. */
const categorized = async () => {
  const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
  const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
  await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
  const [notify] = sends.take();
  return { org, id, notify: notify! };
};

const processingOf = async (key: string, id: string) => (await getTicket(key, id)).json.ticket.processing;

describe("a failing Slack webhook says why on the ticket", () => {
  it("a permanent error: failed, with Slack's answer", async () => {
    const { org, id, notify } = await categorized();
    interceptSlack({ status: 404, body: "no_service" });
    await runQueue([notify]);
    expect(await processingOf(org.apiKey, id)).toEqual({
      categorization: "done",
      notification: "failed",
      notificationError: "HTTP 404: no_service",
    });
  });

  it("a connection failure while retrying: still pending, the reason in plain words", async () => {
    const { org, id, notify } = await categorized();
    interceptSlack(new TypeError("Network connection lost.\n    at fetch (internal)"));
    const result = await runQueue([notify]);
    expect(result.retryMessages).toHaveLength(1);
    expect(await processingOf(org.apiKey, id)).toEqual({
      categorization: "done",
      notification: "pending",
      notificationError: "connection failed",
    });
  });

  it("a job that exhausts its retries leaves a notification_failed event with its last error", async () => {
    const { org, id, notify } = await categorized();
    interceptSlack({ status: 503, body: "unavailable" });
    await runQueue([notify], { attempts: 6 });
    await runQueue([notify], { queue: DEAD_LETTER_QUEUE, attempts: 1 });
    const failed = (await eventsOf(org.apiKey, id)).filter((e) => e.type === "notification_failed");
    expect(failed.map((e) => e.data.error)).toEqual(["HTTP 503: unavailable"]);
    expect(await processingOf(org.apiKey, id)).toMatchObject({ notification: "failed", notificationError: "HTTP 503: unavailable" });
  });

  it("a post that goes out after failing clears the error", async () => {
    const { org, id, notify } = await categorized();
    interceptSlack({ status: 503, body: "unavailable" }, { status: 200, body: "ok" });
    await runQueue([notify]);
    expect((await processingOf(org.apiKey, id)).notificationError).toBe("HTTP 503: unavailable");
    await runQueue([notify], { attempts: 2 });
    expect(await processingOf(org.apiKey, id)).toMatchObject({ notification: "sent", notificationError: null });
  });
});

describe("a notify job that throws says so in plain words", () => {
  it("D1 lost mid-job: the ticket shows the plain phrase, never the runtime's message", async () => {
    const { org, id, notify } = await categorized();
    const result = await runQueue([notify], { env: withShardDb(org.shard, crashingD1(org.db, [notify.jobId], [1])) });
    expect(result.retryMessages).toHaveLength(1);
    const processing = await processingOf(org.apiKey, id);
    expect(processing).toEqual({ categorization: "done", notification: "pending", notificationError: INTERNAL_JOB_ERROR });
    expect(JSON.stringify(processing)).not.toContain("simulated crash");
  });
});
