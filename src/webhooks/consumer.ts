import { SHARD_UNAVAILABLE_RETRY_SECONDS, shardUsable } from "../db/shard-schema";
import { shardOf } from "../db/shards";
import { claimUnsent, failDelivery } from "../db/webhook-deliveries";
import type { Env } from "../env";
import { backoffSeconds } from "../jobs/backoff";
import { nowIso } from "../lib/time";
import { deliverAttempt, webhookDeps, type WebhookDeps } from "./deliver";
import { type WebhookMessage, webhookMessageSchema } from "./messages";

export const WEBHOOKS_QUEUE = "ticket-intake-webhooks";
export const WEBHOOKS_DEAD_LETTER_QUEUE = "ticket-intake-webhooks-dlq";

/** Attempts a dispatch claims at once; an organization with more sends another dispatch for the rest. */
const DISPATCH_LIMIT = 500;
/** How long the rest of an endpoint's batch waits after one of its attempts timed out. */
const DEFER_SLOW_SECONDS = 30;

const chunks = <T>(list: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

/** Claims an organization's unsent attempts and sends one `deliver` message each (sendBatch of ≤100, the Queues limit). */
const dispatch = async (deps: WebhookDeps, organizationId: string) => {
  const claimed = await claimUnsent(deps.db, organizationId, nowIso(), DISPATCH_LIMIT);
  const { shard } = deps;
  for (const part of chunks(claimed, 100)) {
    await deps.queue.sendBatch(part.map((p) => ({ body: { type: "deliver" as const, ...p, shard }, contentType: "json" as const })));
  }
  if (claimed.length === DISPATCH_LIMIT) await deps.queue.send({ type: "dispatch", organizationId, shard }, { contentType: "json" });
};

type Parsed = { message: Message<unknown>; body: WebhookMessage };

/**
 * The webhooks queue's handler: a batch's messages split by shard, each shard's handled on its own
 * database. A shard that cannot be served has its messages retried later.
 */
export const consumeWebhookBatch = async (batch: MessageBatch<unknown>, env: Env) => {
  const byShard = new Map<number, Message<unknown>[]>();
  for (const message of batch.messages) {
    const parsed = webhookMessageSchema.safeParse(message.body);
    // Unreadable ones go with shard 0's, which logs and acks them.
    const shard = parsed.success ? shardOf(parsed.data) : 0;
    byShard.set(shard, [...(byShard.get(shard) ?? []), message]);
  }
  await Promise.all(
    [...byShard].map(async ([shard, messages]) => {
      if (!(await shardUsable(env, shard).catch(() => false))) {
        for (const message of messages) message.retry({ delaySeconds: SHARD_UNAVAILABLE_RETRY_SECONDS });
        return;
      }
      await consumeShardMessages(batch.queue, messages, webhookDeps(env, shard));
    }),
  );
};

/**
 * One shard's messages of a webhooks-queue batch. Messages are acked or retried one by one. Attempts to one endpoint
 * go one after the other within a batch (per-endpoint concurrency 1), different endpoints in
 * parallel; once an endpoint's attempt timed out, its remaining messages in the batch are sent
 * again 30 s later instead of each waiting out its own timeout, so a dead endpoint costs a batch
 * one timeout, and the other endpoints' attempts never wait for it.
 */
const consumeShardMessages = async (queue: string, messages: readonly Message<unknown>[], deps: WebhookDeps) => {
  if (queue === WEBHOOKS_DEAD_LETTER_QUEUE) return deadLetter(messages, deps);
  const byEndpoint = new Map<string, Parsed[]>();
  const dispatches: Parsed[] = [];
  for (const message of messages) {
    const parsed = webhookMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ msg: "unreadable webhook message acked", id: message.id }));
      message.ack();
      continue;
    }
    const body = parsed.data;
    if (body.type === "dispatch") dispatches.push({ message, body });
    else byEndpoint.set(body.endpointId, [...(byEndpoint.get(body.endpointId) ?? []), { message, body }]);
  }
  const handle = async ({ message }: Parsed, run: () => Promise<void>) => {
    try {
      await run();
      message.ack();
    } catch (err) {
      console.warn(JSON.stringify({ msg: "webhook message retry", id: message.id, attempt: message.attempts, error: String(err) }));
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  };
  await Promise.all([
    ...dispatches.map((p) => handle(p, () => (p.body.type === "dispatch" ? dispatch(deps, p.body.organizationId) : Promise.resolve()))),
    ...[...byEndpoint.values()].map(async (list) => {
      let slow = false;
      for (const p of list) {
        if (p.body.type !== "deliver") continue;
        const body = p.body;
        if (slow) {
          // Deferred, not attempted: no attempt is spent, and the queue's retry count is not either.
          await handle(p, async () => {
            await deps.queue.send(body, { contentType: "json", delaySeconds: DEFER_SLOW_SECONDS });
          });
          continue;
        }
        await handle(p, async () => {
          slow = (await deliverAttempt(deps, body)).slow;
        });
      }
    }),
  ]);
};

/** A message the queue gave up on (D1 failing for every retry): its attempt is marked failed, so nothing stays pending unseen. */
const deadLetter = async (messages: readonly Message<unknown>[], deps: WebhookDeps) => {
  for (const message of messages) {
    const parsed = webhookMessageSchema.safeParse(message.body);
    if (parsed.success && parsed.data.type === "deliver") {
      try {
        await failDelivery(deps.db, parsed.data.deliveryId, "delivery failed repeatedly inside the worker", nowIso()).run();
      } catch {
        message.retry();
        continue;
      }
    }
    // A lost dispatch is the sweeper's: it sends every due attempt that was never sent.
    message.ack();
  }
};
