import type { Context } from "hono";
import type { AppEnv } from "../env";
import { errorResponse, errors } from "./errors";
import { RATE_LIMITS, requiredLimiter } from "./limits";

/** How long a flooding IP stays blocked: the binding's period. */
const PERIOD = RATE_LIMITS.AUTH_FAILURE_LIMITER.period;

const MAX_TRACKED = 10_000;

// Per isolate: which IPs ran out of failed authentications, and which key digests authenticated.
const blockedUntil = new Map<string, number>();
const knownGood = new Set<string>();

/** Keeps a per-isolate table bounded: past MAX_TRACKED entries the oldest goes. */
const bounded = <C extends { size: number; keys(): IterableIterator<string>; delete(key: string): boolean }>(table: C): C => {
  if (table.size >= MAX_TRACKED) table.delete(table.keys().next().value!);
  return table;
};

/**
 * Stops floods of bogus API keys before they reach D1. The per-key rate limit cannot: every random
 * key is a fresh budget, and each request would still run a batch on the single primary. Failed
 * authentications (a key D1 did not accept) are counted per client IP (`CF-Connecting-IP`) on the
 * `AUTH_FAILURE_LIMITER` binding (numbers in ./limits.ts); once an IP is over, this isolate answers its
 * further requests 429 with `retry-after` and no D1 work for the rest of the period. Only failures
 * count, so a client whose keys authenticate is never limited by this, however many organizations'
 * keys it sends from one IP; and a key that authenticated in this isolate still passes from a
 * blocked IP. Each isolate learns of a block on its own next failure, so a little over 100 failures
 * per IP reach D1 in a period, not millions. Run by ./api-key-gate.ts around the request, for
 * requests that carry `CF-Connecting-IP`.
 */
export const authFailures = {
  /** Before the request runs: the 429 for a blocked IP (unless this key authenticated here before). */
  blocked(c: Context<AppEnv>, ip: string, keyHash: string): Response | undefined {
    const until = blockedUntil.get(ip);
    if (until === undefined || until <= Date.now() || knownGood.has(keyHash)) return undefined;
    c.header("retry-after", String(Math.ceil((until - Date.now()) / 1000)));
    return errorResponse(c, errors.tooManyFailedAuthentications());
  },
  /** After it ran: a 401 counts against the IP, a success marks the key as good in this isolate. */
  async record(c: Context<AppEnv>, ip: string, keyHash: string): Promise<void> {
    if (c.res.status === 401) {
      const limiter = requiredLimiter(c.env.AUTH_FAILURE_LIMITER, "AUTH_FAILURE_LIMITER");
      if (!(await limiter.limit({ key: ip })).success) {
        bounded(blockedUntil).set(ip, Date.now() + PERIOD * 1000);
      }
    } else if (c.res.status < 400) {
      bounded(knownGood).add(keyHash);
    }
  },
};
