import { createDb } from "../db/client";
import { shardUsable } from "../db/shard-schema";
import { shardD1, shardIndexes } from "../db/shards";
import { claimDue } from "../db/webhook-deliveries";
import type { Env } from "../env";

/** A due attempt whose message was sent this long ago and has not run is presumed lost. */
export const WEBHOOK_STALE_AFTER_MS = 10 * 60 * 1000;

/** Per cron run: rounds of one claim (≤1,000 attempts) and ≤10 sendBatch calls of 100 (the Queues limit). */
export const WEBHOOK_SWEEP = { claimPerRound: 1_000, maxRounds: 10, sendBatch: 100 } as const;

/**
 * The webhook part of the cron sweeper: sends every due pending attempt that has no message on the
 * queue: those the pipeline's own batches wrote (they send no dispatch), and any whose dispatch or
 * send was lost. So the outbox, not the queue, is the record: a lost message delays, never loses.
 */
export const sweepWebhooks = async (env: Env, scheduledTime: number) => {
  // As the outbox sweep: a shard that fails is logged, the others are swept all the same.
  const settled = await Promise.allSettled(
    shardIndexes(env).map(async (shard) => ((await shardUsable(env, shard)) ? (await sweepShard(env, shard, scheduledTime)).sent : 0)),
  );
  const sent = settled.map((r, shard) => {
    if (r.status === "fulfilled") return r.value;
    console.error(JSON.stringify({ msg: "webhook sweep failed on a shard", shard, error: String(r.reason).slice(0, 200) }));
    return 0;
  });
  return { sent: sent.reduce((a, b) => a + b, 0), shards: sent };
};

/** One shard's part of the webhook sweep (every shard's run at once). */
const sweepShard = async (env: Env, shard: number, scheduledTime: number) => {
  const db = createDb(shardD1(env, shard));
  const now = new Date(scheduledTime).toISOString();
  const staleBefore = new Date(scheduledTime - WEBHOOK_STALE_AFTER_MS).toISOString();
  let sent = 0;
  for (let round = 0; round < WEBHOOK_SWEEP.maxRounds; round++) {
    const claimed = await claimDue(db, now, staleBefore, WEBHOOK_SWEEP.claimPerRound);
    for (let i = 0; i < claimed.length; i += WEBHOOK_SWEEP.sendBatch) {
      const part = claimed.slice(i, i + WEBHOOK_SWEEP.sendBatch);
      try {
        await env.WEBHOOKS.sendBatch(part.map((p) => ({ body: { type: "deliver" as const, ...p, shard }, contentType: "json" as const })));
      } catch (err) {
        // Stamped as sent: presumed lost again after WEBHOOK_STALE_AFTER_MS.
        console.warn(JSON.stringify({ msg: "webhook sweep send failed", count: part.length, error: String(err) }));
      }
    }
    sent += claimed.length;
    if (claimed.length < WEBHOOK_SWEEP.claimPerRound) break;
  }
  if (sent > 0) console.log(JSON.stringify({ msg: "webhook sweep", shard, sent }));
  return { sent };
};
