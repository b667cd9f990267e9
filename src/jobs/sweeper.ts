import { createDb } from "../db/client";
import { claimStaleJobs, type SweepRule } from "../db/outbox-sweep";
import { JOB_KINDS } from "../db/schema";
import { shardUsable } from "../db/shard-schema";
import { shardD1, shardIndexes } from "../db/shards";
import type { Env } from "../env";
import { enqueueJobs } from "./enqueue";
import { JOB_HANDLERS } from "./registry";

/** A pending job not handed to the queue for this long is presumed lost. */
export const STALE_AFTER_MS = 10 * 60 * 1000;

/**
 * Sized to keep up with the single-writer ceiling in ARCHITECTURE.md (about 1,000 creates/s) with
 * the cron running every minute: up to claimPerRound × maxRounds lost sends and purgePerRound × maxRounds expired idempotency records a
 * minute. Each round is one D1 batch (claim + purge, a short write transaction, so the single
 * writer is never held long) and at most 20 sendBatch calls (100 messages each, the Queues limit:
 * https://developers.cloudflare.com/queues/platform/limits/); a full run is about 630 subrequests
 * of the 10,000 a paid invocation may make (https://developers.cloudflare.com/workers/platform/limits/).
 */
export const SWEEP = { claimPerRound: 2_000, purgePerRound: 10_000, maxRounds: 30, sendBatch: 100 } as const;

/** The job kinds by when the sweeper presumes their message lost, as each kind declares. */
export const SWEPT_KINDS: Record<SweepRule, readonly (typeof JOB_KINDS)[number][]> = {
  "on-write": JOB_KINDS.filter((kind) => JOB_HANDLERS[kind].sweep === "on-write"),
  "after-categorization": JOB_KINDS.filter((kind) => JOB_HANDLERS[kind].sweep === "after-categorization"),
};

const chunks = <T>(list: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

type SweepResult = { resent: number; unsent: number; purged: number; rounds: number };

/**
 * The cron sweeper, on every shard at once (each shard is its own writer, so they do not wait for
 * each other): re-sends outbox jobs whose queue message was lost and purges expired idempotency
 * records. A shard whose schema is behind is skipped (logged) until it is migrated, and one whose sweep
 * fails is logged; the others are swept all the same. Returns the totals and each shard's own.
 */
export const sweepOutbox = async (env: Env, scheduledTime: number) => {
  // One shard failing (D1 unreachable) must not stop the others' sweeps: it is logged and retried next minute.
  const settled = await Promise.allSettled(
    shardIndexes(env).map(async (shard) => ((await shardUsable(env, shard)) ? sweepShard(env, shard, scheduledTime) : undefined)),
  );
  const perShard = settled.map((r, shard) => {
    if (r.status === "fulfilled") return r.value;
    console.error(JSON.stringify({ msg: "outbox sweep failed on a shard", shard, error: String(r.reason).slice(0, 200) }));
    return undefined;
  });
  const total = { resent: 0, unsent: 0, purged: 0, rounds: 0 };
  for (const r of perShard) {
    if (!r) continue;
    total.resent += r.resent;
    total.unsent += r.unsent;
    total.purged += r.purged;
    total.rounds = Math.max(total.rounds, r.rounds);
  }
  return { ...total, shards: perShard };
};

/**
 * One shard's sweep: re-sends outbox jobs whose queue message was lost (a failed send at create
 * time, a notify send after categorization, a DLQ that gave up) and purges expired idempotency
 * records, in rounds until both are caught up or `maxRounds` is reached. Runs at the scheduled
 * time so tests can move the clock.
 */
const sweepShard = async (env: Env, shard: number, scheduledTime: number): Promise<SweepResult> => {
  const db = createDb(shardD1(env, shard));
  const now = new Date(scheduledTime).toISOString();
  const staleBefore = new Date(scheduledTime - STALE_AFTER_MS).toISOString();
  let resent = 0;
  let purged = 0;
  let unsent = 0;
  let rounds = 0;
  for (; rounds < SWEEP.maxRounds; rounds++) {
    const round = await claimStaleJobs(db, {
      now,
      staleBefore,
      limit: SWEEP.claimPerRound,
      purgeLimit: SWEEP.purgePerRound,
      kinds: SWEPT_KINDS,
    });
    for (const batch of chunks(round.claimed, SWEEP.sendBatch)) {
      // A send that fails leaves its jobs stamped; they are presumed lost again after STALE_AFTER_MS.
      if (!(await enqueueJobs(env.JOBS, shard, batch))) unsent += batch.length;
    }
    resent += round.claimed.length;
    purged += round.purged;
    if (round.claimed.length < SWEEP.claimPerRound && round.purged < SWEEP.purgePerRound) break;
  }
  console.log(JSON.stringify({ msg: "outbox sweep", shard, resent, unsent, purgedIdempotencyKeys: purged, rounds: rounds + 1 }));
  return { resent, unsent, purged, rounds: rounds + 1 };
};
