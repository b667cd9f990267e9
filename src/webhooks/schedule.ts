/**
 * The retry schedule: seconds to wait after each failed attempt, from WEBHOOK_RETRY_SCHEDULE
 * (comma-separated). The default is the Standard Webhooks specification's example schedule
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
 * "Retry schedule"): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, so ten attempts in all.
 */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400] as const;

/** Retry-After from a 429/503 is honoured up to this long. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

let cached: { raw: string | undefined; schedule: readonly number[] } | undefined;

export const retrySchedule = (raw: string | undefined): readonly number[] => {
  if (cached && cached.raw === raw) return cached.schedule;
  const parsed = (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const schedule = parsed.length > 0 && parsed.every((n) => Number.isFinite(n) && n >= 0) ? parsed : DEFAULT_RETRY_SCHEDULE;
  cached = { raw, schedule };
  return schedule;
};

/**
 * Seconds until the attempt after failed attempt `attempt` (1-based), or undefined when it was the
 * last. ±10 % jitter, so deliveries that failed together (a receiver's outage) do not all come back
 * in the same second. A receiver's Retry-After (429/503) replaces the schedule's wait, not its count.
 */
export const nextDelaySeconds = (
  schedule: readonly number[],
  attempt: number,
  retryAfter: number | undefined,
  random: () => number,
): number | undefined => {
  const base = schedule[attempt - 1];
  if (base === undefined) return undefined;
  if (retryAfter !== undefined) return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, retryAfter));
  return Math.max(1, Math.round(base * (0.9 + 0.2 * random())));
};
