import { describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../src/jobs/messages";
import { createOrg } from "../support/orgs";
import { captureSends, DEAD_LETTER_QUEUE, runQueue } from "../support/queue";
import { newTicket, rows } from "../support/tickets";

const WEBHOOK = "http://slack.test/services/busy-team";
/** The queue's max_retries for the jobs consumer (wrangler.toml): past it a message is dead-lettered. */
const MAX_RETRIES = 5;

/** `count` tickets of one organization, categorized, their notify jobs pending for one webhook (straight in D1, as after a bulk import). */
const importedTickets = async (count: number) => {
  const org = await createOrg({ slackWebhookUrl: WEBHOOK });
  const seed = await newTicket(org.apiKey, { title: "seed" });
  const now = new Date().toISOString();
  await org.db
    .prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?3)
     insert into tickets (id, organization_id, customer_id, title, priority, categorization, notification, created_at, updated_at)
     select printf('%s-import-%04d', t.organization_id, i), t.organization_id, t.customer_id, 'Imported ' || i, 'low', 'done', 'pending', ?1, ?1 from n, tickets t where t.id = ?2`,
    )
    .bind(now, seed, count)
    .run();
  await org.db
    .prepare(
      `insert into jobs (id, organization_id, ticket_id, kind, status, attempts, enqueued_at, webhook_url, created_at, updated_at)
     select 'notify-' || t.id, t.organization_id, t.id, 'notify', 'pending', 0, ?1, ?2, ?1, ?1 from tickets t where t.id like ?3 || '-import-%'`,
    )
    .bind(now, WEBHOOK, org.id)
    .run();
  const imported = await rows<{ id: string }>("select id from tickets where id like ? || '-import-%' order by id", org.id);
  return {
    org,
    messages: imported.map((t): JobMessage => ({ jobId: `notify-${t.id}`, kind: "notify", ticketId: t.id, shard: org.shard })),
  };
};

/** Slack, rate limiting one webhook: 429 with Retry-After: 1 for the first `limited` posts, then 200. */
const busySlack = (limited: number) => {
  let posts = 0;
  vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
    posts++;
    return posts <= limited ? new Response("rate_limited", { status: 429, headers: { "retry-after": "1" } }) : new Response("ok");
  });
  return { posts: () => posts };
};

describe("a burst of notifications to one webhook", () => {
  it("300 notifications against a webhook answering 429 for a while all end sent, none failed", { timeout: 180_000 }, async () => {
    const sends = captureSends();
    const { org, messages } = await importedTickets(300);
    sends.take(); // the seed ticket's own categorize job: not part of the burst
    const slack = busySlack(1_800); // about six 429s per notification: more than max_retries would allow
    // The queue, played faithfully: a retried message comes back with one more attempt and is
    // dead-lettered past max_retries; a message the consumer sends anew starts at attempt 1.
    let pending = messages.map((body) => ({ body, attempts: 1 }));
    for (let round = 0; pending.length > 0 && round < 200; round++) {
      const next: typeof pending = [];
      for (let i = 0; i < pending.length; i += 100) {
        const chunk = pending.slice(i, i + 100);
        for (const attempts of new Set(chunk.map((m) => m.attempts))) {
          const group = chunk.filter((m) => m.attempts === attempts);
          const result = await runQueue(
            group.map((m) => m.body),
            { attempts },
          );
          for (const retried of result.retryMessages) {
            const m = group[Number(retried.msgId.slice(4))]!;
            if (m.attempts > MAX_RETRIES) await runQueue([m.body], { queue: DEAD_LETTER_QUEUE, attempts: m.attempts });
            else next.push({ body: m.body, attempts: m.attempts + 1 });
          }
        }
      }
      next.push(...sends.take().map((body) => ({ body, attempts: 1 })));
      pending = next;
    }

    expect(pending).toEqual([]);
    const states = await rows<{ notification: string; n: number }>(
      "select notification, count(*) as n from tickets where id like ? || '-import-%' group by notification",
      org.id,
    );
    expect(states).toEqual([{ notification: "sent", n: 300 }]);
    // Rate limits spent none of the retries meant for real failures: one real try each.
    expect(await rows("select distinct status, attempts from jobs where ticket_id like ? || '-import-%'", org.id)).toEqual([
      { status: "done", attempts: 1 },
    ]);
    expect(slack.posts()).toBe(2_100);
  });
});

describe("pacing within one consumer invocation", () => {
  it("spaces the posts of one batch to one webhook", async () => {
    const { messages } = await importedTickets(3);
    let posts = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      posts++;
      return new Response("ok");
    });
    // The runtime's clock moves with I/O, not with timers, so the test measures the whole run: three
    // posts 150 ms apart cannot take less than 300 ms, however the clock is read.
    const started = Date.now();
    await runQueue(messages, { env: { SLACK_MIN_INTERVAL_MS: "150" } });
    expect(posts).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("after a 429, the batch's other posts to that webhook wait for Retry-After instead of posting", async () => {
    const sends = captureSends();
    const { messages } = await importedTickets(3);
    sends.take();
    let posts = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      posts++;
      return new Response("rate_limited", { status: 429, headers: { "retry-after": "30" } });
    });
    // One at a time in one invocation would need the pacer; the consumer handles a batch concurrently,
    // so all three may reach Slack before the first 429 lands. With a pacer interval they do not.
    const result = await runQueue(messages, { env: { SLACK_MIN_INTERVAL_MS: "100" } });
    expect(result.explicitAcks).toHaveLength(3);
    expect(posts).toBe(1);
    const rescheduled = sends.take();
    expect(rescheduled.map((m) => m.rateLimited)).toEqual([1, 1, 1]);
    for (const m of rescheduled) expect(sends.delayOf(m.jobId)).toBeGreaterThanOrEqual(30);
  });
});
