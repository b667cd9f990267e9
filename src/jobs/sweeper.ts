import { createDb } from "../db/client";
import { claimStaleJobs } from "../db/outbox-sweep";
import type { Env } from "../env";
import { enqueueJobs } from "./enqueue";

/** A pending job not handed to the queue for this long is presumed lost. */
export const STALE_AFTER_MS = 10 * 60 * 1000;
/** Per run, so one sweep stays one queue batch (sendBatch takes up to 100 messages). */
export const SWEEP_LIMIT = 100;
export const PURGE_LIMIT = 1_000;

/**
 * The cron sweeper: re-sends outbox jobs whose queue message was lost (a failed send at create
 * time, a notify send after categorization, a DLQ that gave up) and purges expired idempotency
 * records. Runs at the scheduled time so tests can move the clock.
 */
export const sweepOutbox = async (env: Env, scheduledTime: number) => {
  const now = new Date(scheduledTime).toISOString();
  const staleBefore = new Date(scheduledTime - STALE_AFTER_MS).toISOString();
  const { claimed, purged } = await claimStaleJobs(createDb(env.DB), now, staleBefore, SWEEP_LIMIT, PURGE_LIMIT);
  const sent = await enqueueJobs(env.JOBS, claimed);
  console.log(JSON.stringify({ msg: "outbox sweep", resent: claimed.length, sent, purgedIdempotencyKeys: purged }));
  return { resent: claimed, sent, purged };
};
