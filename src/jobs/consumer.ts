import { recordRetry } from "../db/job-outcomes";
import { SHARD_UNAVAILABLE_RETRY_SECONDS, shardUsable } from "../db/shard-schema";
import { shardOf } from "../db/shards";
import type { Env } from "../env";
import { isoAfter, nowIso } from "../lib/time";
import { backoffSeconds } from "./backoff";
import { isDeadLetterQueue, runDeadLetter } from "./dead-letter";
import { pipelineDeps, type PipelineDeps } from "./deps";
import { jobMessageSchema, type JobMessage } from "./messages";
import { internalFailure, type JobOutcome } from "./outcome";
import { JOB_HANDLERS } from "./registry";
import { createPacer } from "../slack/pacer";
import { dispatchWebhooks } from "../webhooks/messages";

const runJob = (deps: PipelineDeps, job: JobMessage, attempt: number, deadLetter: boolean): Promise<JobOutcome> =>
  deadLetter ? runDeadLetter(deps, job, attempt) : JOB_HANDLERS[job.kind].run(deps, job, attempt);

/**
 * Sends a rate-limited job again as a fresh message (so it spends none of the queue's retries),
 * stamped in the outbox with its redelivery time like a retry. False if the send failed: the
 * caller then retries the message itself, which costs a retry but loses nothing.
 */
const reschedule = async (deps: PipelineDeps, job: JobMessage, outcome: Extract<JobOutcome, { kind: "reschedule" }>) => {
  try {
    await deps.queue.send({ ...job, rateLimited: outcome.rateLimited }, { contentType: "json", delaySeconds: outcome.delaySeconds });
  } catch {
    return false;
  }
  try {
    await recordRetry(deps.db, job.jobId, outcome.attempts, outcome.error, isoAfter(outcome.delaySeconds * 1000), nowIso(), outcome.lease);
  } catch {
    // Bookkeeping only; the new message is on its way.
  }
  return true;
};

const handleMessage = async (deps: PipelineDeps, message: Message<unknown>, job: JobMessage, deadLetter: boolean) => {
  let outcome: JobOutcome;
  try {
    outcome = await runJob(deps, job, message.attempts, deadLetter);
  } catch (err) {
    // D1 or a bug: retried like any transient failure; the queue dead-letters it eventually.
    outcome = internalFailure(job.jobId, err, { delaySeconds: backoffSeconds(message.attempts) });
  }
  if (outcome.kind === "ack") {
    message.ack();
    return;
  }
  if (outcome.kind === "reschedule" && (await reschedule(deps, job, outcome))) {
    message.ack();
    return;
  }
  console.warn(
    JSON.stringify({ msg: "job retry", ...job, attempt: message.attempts, delaySeconds: outcome.delaySeconds, error: outcome.error }),
  );
  try {
    await recordRetry(
      deps.db,
      job.jobId,
      outcome.attempts ?? message.attempts,
      outcome.error,
      isoAfter(outcome.delaySeconds * 1000),
      nowIso(),
      outcome.lease,
    );
  } catch {
    // Bookkeeping only; the retry itself matters more.
  }
  message.retry({ delaySeconds: outcome.delaySeconds });
};

/**
 * The queue handler for the jobs queue and its dead-letter queue. Messages are handled
 * independently and acked or retried one by one, so one failing job never replays its batch.
 * A batch may hold several shards' jobs: each shard's run on that shard's database, sharing the
 * batch's Slack pacer; a shard that cannot be served (schema behind) has its messages retried later.
 * `overrides`: dependencies replaced at their boundary (tests keep the mailer's bytes).
 */
export const consumeBatch = async (batch: MessageBatch<unknown>, env: Env, overrides: Partial<PipelineDeps> = {}): Promise<void> => {
  const deadLetter = isDeadLetterQueue(batch.queue);
  const byShard = new Map<number, { message: Message<unknown>; job: JobMessage }[]>();
  for (const message of batch.messages) {
    const parsed = jobMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // Not ours to retry: no outbox row can be found for it. Logged, never silently dropped.
      console.error(JSON.stringify({ msg: "unreadable job message acked", id: message.id, body: message.body }));
      message.ack();
      continue;
    }
    const shard = shardOf(parsed.data);
    byShard.set(shard, [...(byShard.get(shard) ?? []), { message, job: parsed.data }]);
  }
  const shared = { slackPacer: createPacer(Number(env.SLACK_MIN_INTERVAL_MS)), webhookOrgs: new Map<string, number>() };
  await Promise.all(
    [...byShard].map(async ([shard, list]) => {
      // The schema check failing (D1 unreachable) retries this shard's messages like any D1 failure; the other shards go on.
      const usable = await shardUsable(env, shard).catch(() => false);
      if (!usable) {
        for (const { message } of list) message.retry({ delaySeconds: SHARD_UNAVAILABLE_RETRY_SECONDS });
        return;
      }
      const deps = { ...pipelineDeps(env, shard, shared), ...overrides };
      await Promise.all(list.map(({ message, job }) => handleMessage(deps, message, job, deadLetter)));
    }),
  );
  // The events these jobs wrote have webhook deliveries (the outbox trigger's): one pointer per organization.
  await Promise.all([...shared.webhookOrgs].map(([organizationId, shard]) => dispatchWebhooks(env.WEBHOOKS, shard, organizationId)));
};
