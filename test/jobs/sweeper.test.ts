import { beforeEach, expect, it } from "vitest";
import { failWith, fakeAi, answer } from "../support/fake-ai";
import { jobsOf, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runCron, runQueue } from "../support/queue";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});

const MINUTE = 60_000;

/** Sweeps at `time` and returns what it sent. */
const sweepAt = async (time: number) => {
  await runCron(time);
  return sends.take();
};

it("re-sends a lost notify once its categorization is done, and leaves jobs waiting for a retry alone", async () => {
  const org = await orgWithCategories({ slackWebhookUrl: "http://slack.test/services/org" });
  // Ticket A: categorized, its notify message lost (taken here, never delivered).
  const a = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
  await runQueue([a.message], { env: { AI: fakeAi(answer("Billing")).binding } });
  sends.take();
  // Ticket B: its categorization is waiting for a retry; its notify must not go before it.
  const b = await ticketAndMessage(sends, org.apiKey, { title: "Invoice" });
  await runQueue([b.message], { env: { AI: fakeAi(failWith("3040: Capacity temporarily exceeded")).binding } });

  const mine = (sent: { ticketId: string }[]) => sent.filter((m) => m.ticketId === a.id || m.ticketId === b.id);
  expect(mine(await sweepAt(Date.now()))).toEqual([]);

  const later = Date.now() + 11 * MINUTE;
  const resent = mine(await sweepAt(later));
  const jobsA = await jobsOf(a.id);
  // B's categorize was stamped with its redelivery time (seconds away), so at +11 minutes it is
  // presumed lost too and re-sent; its notify stays put until categorization is done.
  expect(resent).toEqual(
    expect.arrayContaining([
      { jobId: jobsA.notify.id, kind: "notify", ticketId: a.id, shard: org.shard },
      { jobId: (await jobsOf(b.id)).categorize.id, kind: "categorize", ticketId: b.id, shard: org.shard },
    ]),
  );
  expect(resent).toHaveLength(2);
  expect(jobsA.notify.enqueued_at).toBe(new Date(later).toISOString());

  // Freshly stamped: the next sweep does not send them again.
  expect(mine(await sweepAt(later + 5 * MINUTE))).toEqual([]);
});

it("catches up a backlog larger than one round: every lost job re-sent once, every expired key purged", async () => {
  const org = await orgWithCategories();
  const { id } = await ticketAndMessage(sends, org.apiKey, { title: "seed" });
  const old = new Date(Date.now() - 60 * MINUTE).toISOString();
  // 2,500 tickets whose categorize send was lost an hour ago, and 25,000 expired idempotency records.
  await org.db
    .prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < 2500)
     insert into tickets (id, organization_id, customer_id, title, priority, categorization, created_at, updated_at)
     select printf('backlog-%05d', i), t.organization_id, t.customer_id, 'lost', 'low', 'pending', ?1, ?1 from n, tickets t where t.id = ?2`,
    )
    .bind(old, id)
    .run();
  await org.db
    .prepare(
      `insert into jobs (id, organization_id, ticket_id, kind, status, attempts, enqueued_at, created_at, updated_at)
     select 'job-' || t.id, t.organization_id, t.id, 'categorize', 'pending', 0, ?1, ?1, ?1 from tickets t where t.id like 'backlog-%'`,
    )
    .bind(old)
    .run();
  await org.db
    .prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < 25000)
     insert into idempotency_keys (organization_id, key, request_hash, ticket_id, created_at, expires_at)
     select ?1, 'expired-' || i, 'h', ?2, ?3, ?3 from n`,
    )
    .bind(org.id, id, old)
    .run();

  await runCron(Date.now());
  const sent = sends.take().filter((m) => m.jobId.startsWith("job-backlog-"));
  expect(sent).toHaveLength(2500);
  expect(new Set(sent.map((m) => m.jobId)).size).toBe(2500);
  expect((await org.db.prepare("select count(*) as n from idempotency_keys where key like 'expired-%'").first<{ n: number }>())!.n).toBe(0);
  // Stamped as enqueued now: the next run sends none of them again.
  await runCron(Date.now() + MINUTE);
  expect(sends.take().filter((m) => m.jobId.startsWith("job-backlog-"))).toEqual([]);
});
