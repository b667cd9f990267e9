/**
 * Spaces posts to one webhook within a consumer invocation. Slack accepts about one message per
 * second per incoming webhook and answers bursts with 429 and `Retry-After`
 * (https://docs.slack.dev/apis/web-api/rate-limits/, "Incoming webhooks"); a batch of ten
 * notifications for one team, posted at once, would get nine of them. `block` makes the posts
 * after a 429 wait for its `Retry-After` too.
 */
export type Pacer = {
  /** How long to wait before posting to `url`; the slot is taken only when the wait is at most `maxWaitMs`. */
  reserve(url: string, maxWaitMs: number): number;
  block(url: string, ms: number): void;
  /** How long a 429's Retry-After still holds `url` (0 when it does not). */
  blockedFor(url: string): number;
};

export const createPacer = (minIntervalMs: number, now: () => number = Date.now): Pacer => {
  const next = new Map<string, number>();
  const blockedUntil = new Map<string, number>();
  return {
    reserve(url, maxWaitMs) {
      const t = now();
      const at = Math.max(t, next.get(url) ?? 0);
      if (at - t <= maxWaitMs) next.set(url, at + minIntervalMs);
      return at - t;
    },
    block(url, ms) {
      const until = now() + ms;
      next.set(url, Math.max(next.get(url) ?? 0, until));
      blockedUntil.set(url, Math.max(blockedUntil.get(url) ?? 0, until));
    },
    blockedFor(url) {
      return Math.max(0, (blockedUntil.get(url) ?? 0) - now());
    },
  };
};
