import { createDb, type Db } from "../db/client";
import { shardD1 } from "../db/shards";
import { toView } from "../db/ticket-queries";
import { type AttemptContext, failDelivery, loadAttempt, recordAttempt } from "../db/webhook-deliveries";
import type { Env } from "../env";
import { clampDelay, MAX_DELAY_SECONDS } from "../jobs/backoff";
import { enqueueJobs } from "../jobs/enqueue";
import type { JobMessage } from "../jobs/messages";
import { newId } from "../lib/ids";
import { postEvent, WEBHOOK_TIMEOUT_MS, type AttemptResult } from "./post";
import { nextDelaySeconds, retrySchedule } from "./schedule";
import { openSecret } from "./secrets";
import { signPayload } from "./sign";
import { checkWebhookUrl } from "./url";
import type { WebhookMessage } from "./messages";

/** An endpoint failing for this long without a single success is disabled (and its organization's Slack is told). */
export const FAILING_DISABLE_MS = 5 * 24 * 60 * 60 * 1000;
export const FAILING_REASON = "disabled after 5 days of failed deliveries";
export const GONE_REASON = "disabled: the receiver answered 410 Gone";

/** How long an attempt holds its delivery: longer than the timeout plus the D1 writes around it. */
const LEASE_MS = 60_000;

export const USER_AGENT = "ticket-intake-webhooks/1 (+https://www.standardwebhooks.com/)";

export type WebhookDeps = {
  /** The shard of the messages these deps serve, and its database. */
  shard: number;
  db: Db;
  queue: Queue<WebhookMessage>;
  /** The jobs queue, for the Slack notice of an endpoint disabled for its failures. */
  jobs: Queue<JobMessage>;
  secretKey: string | undefined;
  allowedHttpOrigins: string | undefined;
  schedule: readonly number[];
  timeoutMs: number;
  random: () => number;
};

export const webhookDeps = (env: Env, shard = 0): WebhookDeps => ({
  shard,
  db: createDb(shardD1(env, shard)),
  queue: env.WEBHOOKS,
  jobs: env.JOBS,
  secretKey: env.WEBHOOK_SECRET_KEY,
  allowedHttpOrigins: env.WEBHOOK_ALLOWED_HTTP_ORIGINS,
  schedule: retrySchedule(env.WEBHOOK_RETRY_SCHEDULE),
  timeoutMs: Number(env.WEBHOOK_TIMEOUT_MS) || WEBHOOK_TIMEOUT_MS,
  random: Math.random,
});

type Loaded = { [K in "delivery" | "endpoint" | "event" | "ticket"]: NonNullable<AttemptContext[K]> };

/** The body receivers get (the contract's shape): the event, and the ticket as getTicket shows it now, without its messages. */
export const eventPayload = ({ delivery, event, ticket }: Pick<Loaded, "delivery" | "event" | "ticket">) => {
  const { messages: _omitted, ...view } = toView(ticket);
  return {
    type: delivery.eventType,
    timestamp: event.createdAt,
    data: {
      ticketId: event.ticketId,
      event: { id: event.id, type: event.type, actor: event.actor, data: event.data, createdAt: event.createdAt },
      ticket: view,
    },
  };
};

/** The secrets that sign now: the current one, and the one it replaced while its overlap lasts. */
const signingSecrets = async (endpoint: Loaded["endpoint"], key: string | undefined, now: string) => {
  const secrets = [await openSecret(endpoint.secret, endpoint.id, key)];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(await openSecret(endpoint.previousSecret, endpoint.id, key));
  }
  return secrets;
};

/** What one `deliver` message came to: acked, or `slow` when its endpoint timed out (the batch defers the endpoint's others). */
export type DeliverResult = { slow: boolean };

/** Sends the attempt's message, delayed up to Queues' 12-hour cap; a longer wait arrives early and is sent on again. */
const sendAttempt = async (deps: WebhookDeps, message: { deliveryId: string; endpointId: string }, delaySeconds: number) => {
  try {
    await deps.queue.send(
      { type: "deliver", deliveryId: message.deliveryId, endpointId: message.endpointId, shard: deps.shard },
      { contentType: "json", delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))) },
    );
  } catch (err) {
    // The attempt row is durable; the sweeper re-sends it once it is due and looks lost.
    console.warn(
      JSON.stringify({ msg: "webhook attempt send failed; sweeper will send", deliveryId: message.deliveryId, error: String(err) }),
    );
  }
};

/**
 * One delivery attempt: claim and read it (one round trip), sign and POST, record the outcome and
 * the next attempt (one round trip), send the next attempt's message. A copy of a message whose
 * attempt is done or in flight does nothing, so a delivery is POSTed once per attempt however
 * often its message arrives.
 */
export const deliverAttempt = async (deps: WebhookDeps, message: { deliveryId: string; endpointId: string }): Promise<DeliverResult> => {
  const nowMs = Date.now();
  const now = new Date(nowMs).toISOString();
  // Queue delays are whole seconds: an attempt arriving a moment early is still due.
  const ctx = await loadAttempt(
    deps.db,
    message.deliveryId,
    now,
    new Date(nowMs + 2_000).toISOString(),
    new Date(nowMs + LEASE_MS).toISOString(),
  );
  const { delivery, endpoint, event, ticket } = ctx;
  if (delivery?.status !== "pending") return { slow: false };
  if (!ctx.claimed) {
    // Not yet due: a wait longer than Queues' maximum delay, chained.
    if (delivery.nextAttemptAt && delivery.nextAttemptAt > now) {
      await sendAttempt(deps, message, (Date.parse(delivery.nextAttemptAt) - nowMs) / 1000);
    }
    // Otherwise another copy holds the lease; if it dies, the lease runs out and the sweeper re-sends.
    return { slow: false };
  }
  if (!endpoint || !event || !ticket) {
    await failDelivery(deps.db, delivery.id, "the endpoint or the event no longer exists", now).run();
    return { slow: false };
  }
  if (!endpoint.enabled) {
    await failDelivery(
      deps.db,
      delivery.id,
      `endpoint disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ""}`,
      now,
    ).run();
    return { slow: false };
  }

  let result: AttemptResult;
  const urlCheck = checkWebhookUrl(endpoint.url, deps.allowedHttpOrigins);
  if (!urlCheck.ok) {
    result = { ok: false, responseStatus: null, error: `not sent: ${urlCheck.reason}`, durationMs: 0 };
  } else {
    const body = JSON.stringify(eventPayload({ delivery, event, ticket }));
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signPayload(await signingSecrets(endpoint, deps.secretKey, now), event.id, timestamp, body);
    result = await postEvent(
      endpoint.url,
      {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
      },
      body,
      deps.timeoutMs,
    );
  }

  const doneMs = Date.now();
  const done = new Date(doneMs).toISOString();
  const gone = result.responseStatus === 410;
  const delay = result.ok || gone ? undefined : nextDelaySeconds(deps.schedule, delivery.attempt, result.retryAfter, deps.random);
  const next = delay === undefined ? undefined : { id: newId(), at: new Date(doneMs + delay * 1000).toISOString() };
  const recorded = await recordAttempt(deps.db, {
    deliveryId: delivery.id,
    now: done,
    status: result.ok ? "succeeded" : "failed",
    responseStatus: result.responseStatus,
    error: result.error,
    durationMs: result.durationMs,
    next,
    disable: gone ? GONE_REASON : undefined,
    failingCutoff: new Date(doneMs - FAILING_DISABLE_MS).toISOString(),
    failingReason: FAILING_REASON,
    noticeJobId: newId(),
    endpointId: endpoint.id,
  });
  if (recorded.disabledForFailures) {
    console.warn(JSON.stringify({ msg: "webhook endpoint disabled", endpointId: recorded.disabledForFailures.id, reason: FAILING_REASON }));
    // Committed as an outbox row; the sweeper re-sends a lost message.
    await enqueueJobs(deps.jobs, deps.shard, recorded.notice);
  }
  if (recorded.next && delay !== undefined)
    await sendAttempt(deps, { deliveryId: recorded.next.id, endpointId: endpoint.id }, clampDelay(delay));
  return { slow: result.responseStatus === null && result.error?.startsWith("timed out") === true };
};
