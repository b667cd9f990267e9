import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { answer, fakeAi } from "../support/fake-ai";
import { RETRY_ROUNDS } from "../../src/api/admin";
import { REDRIVE_BATCH } from "../../src/db/job-retry";
import { admin, call } from "../support/http";
import { updateTicket } from "../support/lifecycle";
import { createOrg, type TestOrg } from "../support/orgs";
import { orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { interceptSlack, slackOk } from "../support/slack";
import { getTicket, rows } from "../support/tickets";

const ORG_WEBHOOK = "http://slack.test/services/org";
const RETRY = "/api/ext-v1/ticket/retryNotification";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const retry = (key: string, ticketId: string) => call("POST", RETRY, { key, body: { ticketId } });

/** A ticket whose first notification failed for good (Slack answered 404). */
const failedTicket = async (org?: TestOrg) => {
  const owner = org ?? (await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK }));
  const { id, message } = await ticketAndMessage(sends, owner.apiKey, { title: "App crashes" });
  await runQueue([message], { env: { AI: fakeAi(answer("Technical")).binding } });
  interceptSlack({ status: 404, body: "no_service" });
  await runQueue(sends.take());
  vi.mocked(globalThis.fetch).mockRestore();
  return { org: owner, id };
};

const notificationOf = async (key: string, id: string) => (await getTicket(key, id)).json.ticket.processing.notification;

describe("retryNotification", () => {
  it("re-drives a failed first notification through the queue, and it is posted", async () => {
    const { org, id } = await failedTicket();
    const res = await retry(org.apiKey, id);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, ticketId: id, retried: 1, more: false });
    expect(await notificationOf(org.apiKey, id)).toBe("pending");
    const posts = interceptSlack(slackOk());
    await runQueue(sends.take());
    expect(posts.map((p) => p.body.text)).toEqual([`New medium ticket ${id}`]);
    expect(await notificationOf(org.apiKey, id)).toBe("sent");
  });

  it("re-drives failed event posts with the first notification, posted in order", async () => {
    const { org, id } = await failedTicket();
    await updateTicket(org.apiKey, { ticketId: id, status: "in_progress" });
    interceptSlack({ status: 404, body: "no_service" });
    await runQueue(sends.take());
    vi.mocked(globalThis.fetch).mockRestore();
    expect((await retry(org.apiKey, id)).json.retried).toBe(2);
    const posts = interceptSlack(slackOk());
    const [notify, event] = sends.take().sort((a, b) => (a.kind === "notify" ? -1 : b.kind === "notify" ? 1 : 0));
    await runQueue([event!]);
    await runQueue([notify!]);
    await runQueue(sends.take());
    expect(posts.map((p) => p.body.text)).toEqual([`New medium ticket ${id}`, `Ticket ${id}: open → in_progress`]);
  });

  it("re-drives at most one batch of a ticket's failed posts per call, says more, and the next call takes the rest", async () => {
    const { org, id } = await failedTicket();
    // The failed first notification plus failed event posts to pass one batch by 50.
    const statements = Array.from({ length: REDRIVE_BATCH + 49 }, (_, i) =>
      org.db
        .prepare(
          `insert into jobs (id, organization_id, ticket_id, kind, status, attempts, event_id, created_at, updated_at)
         values (?, ?, ?, 'event', 'failed', 6, ?, ?, ?)`,
        )
        .bind(`job-${id}-${i}`, org.id, id, `event-${i}`, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"),
    );
    await org.db.batch(statements);
    expect((await retry(org.apiKey, id)).json).toMatchObject({ success: true, retried: REDRIVE_BATCH, more: true });
    expect((await retry(org.apiKey, id)).json).toMatchObject({ success: true, retried: 50, more: false });
  });

  it("answers 409 when nothing failed", async () => {
    const org = await orgWithCategories({ slackWebhookUrl: ORG_WEBHOOK });
    const { id } = await ticketAndMessage(sends, org.apiKey, { title: "App crashes" });
    const res = await retry(org.apiKey, id);
    expect(res.status).toBe(409);
    expect(res.json.success).toBe(false);
    expect(sends.take()).toEqual([]);
  });

  it("answers 404 for another organization's ticket and re-drives nothing", async () => {
    const { org, id } = await failedTicket();
    const other = await createOrg();
    expect((await retry(other.apiKey, id)).status).toBe(404);
    expect(await notificationOf(org.apiKey, id)).toBe("failed");
    expect(sends.take()).toEqual([]);
  });
});

describe("operator retry of an organization's failed jobs", () => {
  const retryJobs = (orgId: string, body: unknown) => admin("POST", `/admin/organizations/${orgId}/jobs/retry`, body);

  it("re-drives the organization's failed jobs and no other's", async () => {
    const { org, id } = await failedTicket();
    const second = await failedTicket(org);
    const foreign = await failedTicket();
    const res = await retryJobs(org.id, {});
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, retried: 2, more: false });
    expect(
      sends
        .take()
        .map((m) => m.ticketId)
        .sort(),
    ).toEqual([id, second.id].sort());
    expect(await notificationOf(org.apiKey, id)).toBe("pending");
    expect(await notificationOf(foreign.org.apiKey, foreign.id)).toBe("failed");
  });

  it("filters by kind and since", async () => {
    const { org } = await failedTicket();
    expect((await retryJobs(org.id, { kind: "event" })).json.retried).toBe(0);
    expect((await retryJobs(org.id, { since: new Date(Date.now() + 60_000).toISOString() })).json.retried).toBe(0);
    expect((await retryJobs(org.id, { kind: "notify", since: "2020-01-01T00:00:00Z" })).json.retried).toBe(1);
  });

  it("re-drives in batches of at most 100 queue messages", async () => {
    const { org, id } = await failedTicket();
    // 250 failed event posts of one ticket, written straight to the outbox.
    const statements = Array.from({ length: 250 }, (_, i) =>
      org.db
        .prepare(
          `insert into jobs (id, organization_id, ticket_id, kind, status, attempts, event_id, created_at, updated_at)
         values (?, ?, ?, 'event', 'failed', 6, ?, ?, ?)`,
        )
        .bind(`job-${id}-${i}`, org.id, id, `event-${i}`, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"),
    );
    await org.db.batch(statements);
    const res = await retryJobs(org.id, {});
    expect(res.json).toEqual({ success: true, retried: 251, more: false });
    const batches = vi.mocked(env.JOBS.sendBatch).mock.calls.map(([messages]) => [...messages].length);
    expect(Math.max(...batches)).toBeLessThanOrEqual(100);
    expect(await rows("select count(*) as n from jobs where ticket_id = ? and status = 'pending'", id)).toEqual([{ n: 251 }]);
  });

  it("re-drives at most its rounds' bound per call, says more, and the next call takes the rest", async () => {
    const { org, id } = await failedTicket();
    const bound = RETRY_ROUNDS * REDRIVE_BATCH;
    // The failed first notification plus enough failed event posts to pass the bound by 50.
    const statements = Array.from({ length: bound + 49 }, (_, i) =>
      org.db
        .prepare(
          `insert into jobs (id, organization_id, ticket_id, kind, status, attempts, event_id, created_at, updated_at)
         values (?, ?, ?, 'event', 'failed', 6, ?, ?, ?)`,
        )
        .bind(`job-${id}-${i}`, org.id, id, `event-${i}`, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"),
    );
    await org.db.batch(statements);
    expect((await retryJobs(org.id, {})).json).toEqual({ success: true, retried: bound, more: true });
    expect(await rows("select count(*) as n from jobs where ticket_id = ? and status = 'failed'", id)).toEqual([{ n: 50 }]);
    expect((await retryJobs(org.id, {})).json).toEqual({ success: true, retried: 50, more: false });
    expect(await rows("select count(*) as n from jobs where ticket_id = ? and status = 'pending'", id)).toEqual([{ n: bound + 50 }]);
  });

  it("answers 404 for an unknown organization", async () => {
    expect((await retryJobs("no-such-org", {})).status).toBe(404);
  });
});
