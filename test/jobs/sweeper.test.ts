import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { failWith, fakeAi, answer } from "../support/fake-ai";
import { jobsOf, orgWithCategories, ticketAndMessage } from "../support/pipeline";
import { captureSends, runCron, runQueue } from "../support/queue";

let sends: ReturnType<typeof captureSends>;
beforeEach(() => {
  sends = captureSends();
});
afterEach(() => {
  vi.restoreAllMocks();
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
      { jobId: jobsA.notify.id, kind: "notify", ticketId: a.id },
      { jobId: (await jobsOf(b.id)).categorize.id, kind: "categorize", ticketId: b.id },
    ]),
  );
  expect(resent).toHaveLength(2);
  expect(jobsA.notify.enqueued_at).toBe(new Date(later).toISOString());

  // Freshly stamped: the next sweep does not send them again.
  expect(mine(await sweepAt(later + 5 * MINUTE))).toEqual([]);
});
