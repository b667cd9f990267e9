import { claimJob } from "../db/job-outcomes";
import { isoAfter, nowIso } from "../lib/time";
import { isAllowedWebhook } from "../slack/allowed-origins";
import { postWebhook } from "../slack/webhook";
import { backoffSeconds, clampDelay } from "./backoff";
import type { PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { internalFailure, type JobOutcome } from "./outcome";

/**
 * Rate limits are not failures. A 429 (or a webhook this invocation must wait on for more than
 * `inlineWaitMs`) reschedules the job as a fresh queue message instead of retrying it, so it never
 * spends the retries meant for real failures (the queue's max_retries counts every retry of a
 * message). The delay is Retry-After plus jitter over a window that doubles with each reschedule of
 * the job, so a burst to one webhook spreads out to the rate Slack accepts instead of arriving
 * again all at once. After `maxReschedules` (hours of 429s) it counts as a failure after all.
 */
export const RATE_LIMITS = {
  inlineWaitMs: 3_000,
  spreadBaseSeconds: 5,
  spreadMaxSeconds: 300,
  maxReschedules: 50,
  leaseMs: 60_000,
} as const;

/** Records a post's final outcome for the job (and its ticket or event) and acks it. */
export type Finish = (outcome: "sent" | "failed", error?: string) => Promise<JobOutcome>;

const jittered = (baseSeconds: number, rateLimited: number, random: () => number) =>
  clampDelay(baseSeconds + random() * Math.min(RATE_LIMITS.spreadMaxSeconds, RATE_LIMITS.spreadBaseSeconds * 2 ** rateLimited));

/**
 * Posts `body` to a Slack webhook for a notify or event job, paced per webhook, and settles the
 * job: a final outcome (sent, or failed for good) goes through `finish`; anything else is what the
 * queue should do with the message. The webhook is checked against SLACK_WEBHOOK_ALLOWED_ORIGINS
 * here, at send time: the allow-list may have shrunk since the URL was configured.
 */
export const deliver = async (
  deps: PipelineDeps,
  message: JobMessage,
  attempts: number,
  url: string,
  body: unknown,
  finish: Finish,
): Promise<JobOutcome> => {
  if (!isAllowedWebhook(url, deps.allowedWebhookOrigins)) return finish("failed", "webhook URL is outside SLACK_WEBHOOK_ALLOWED_ORIGINS");
  const rateLimited = message.rateLimited ?? 0;
  const reschedule = (delaySeconds: number, error: string | null, lease?: string): JobOutcome =>
    rateLimited >= RATE_LIMITS.maxReschedules
      ? { kind: "retry", attempts, delaySeconds: backoffSeconds(attempts), error: error ?? "paced: webhook busy", lease }
      : { kind: "reschedule", delaySeconds, error, rateLimited: rateLimited + 1, attempts: attempts - 1, lease };

  // Two copies of one message (a sweeper re-send while the original is still queued, a queue
  // duplicate) both find the job pending: only the one that claims it posts. The other posts
  // nothing and comes back as a fresh message once the lease is over, spending no retry: by then
  // the job is settled (it acks) or its holder died mid-post, and it takes over. Claimed before
  // pacing, so the pacer's slot and its check for a 429 that landed meanwhile sit right before the
  // post: the claim's D1 round trip never opens a gap between them.
  const lease = isoAfter(RATE_LIMITS.leaseMs);
  if (!(await claimJob(deps.db, message.jobId, nowIso(), lease))) return reschedule(RATE_LIMITS.leaseMs / 1000, null);

  const wait = deps.slackPacer.reserve(url, RATE_LIMITS.inlineWaitMs);
  // Pacing is our own doing, not a failed attempt: the job's last error stays what it was.
  if (wait > RATE_LIMITS.inlineWaitMs) return reschedule(jittered(wait / 1000, rateLimited, deps.random), null, lease);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  // A 429 may have landed for this webhook while we waited for our slot.
  const blocked = deps.slackPacer.blockedFor(url);
  if (blocked > 0) return reschedule(jittered(blocked / 1000, rateLimited, deps.random), null, lease);

  // Recording the outcome may fail after Slack answered; the retry then frees the lease, so the
  // redelivery can post again (the documented at-least-once window) instead of finding it held.
  const settle = async (outcome: "sent" | "failed", error?: string): Promise<JobOutcome> => {
    try {
      return await finish(outcome, error);
    } catch (err) {
      return internalFailure(message.jobId, err, { attempts, delaySeconds: backoffSeconds(attempts), lease });
    }
  };
  const result = await postWebhook(url, body);
  switch (result.kind) {
    case "sent":
      return settle("sent");
    case "failed":
      return settle("failed", result.error);
    case "retry":
      if (result.retryAfterSeconds === undefined)
        return { kind: "retry", attempts, delaySeconds: backoffSeconds(attempts), error: result.error, lease };
      deps.slackPacer.block(url, result.retryAfterSeconds * 1000);
      return reschedule(jittered(result.retryAfterSeconds, rateLimited, deps.random), result.error, lease);
  }
};
