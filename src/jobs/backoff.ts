/** Queues accept delays up to 12 hours. */
export const MAX_DELAY_SECONDS = 12 * 60 * 60;

const BASE_SECONDS = 5;
const CAP_SECONDS = 10 * 60;

/**
 * Exponential backoff with jitter for attempt `n` (1-based): 5s, 10s, 20s… capped at 10 minutes,
 * each drawn from the upper half of its window so retries of many jobs spread out instead of
 * arriving together.
 */
export const backoffSeconds = (attempt: number, random = Math.random): number => {
  const ceiling = Math.min(CAP_SECONDS, BASE_SECONDS * 2 ** Math.max(0, attempt - 1));
  return Math.ceil(ceiling / 2 + random() * (ceiling / 2));
};

export const clampDelay = (seconds: number): number => Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(seconds)));
