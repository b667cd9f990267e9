import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { shardOfApiKey } from "../db/shards";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import { authFailures } from "./auth-failures";
import { errorResponse, errors } from "./errors";
import { requiredLimiter } from "./limits";
import { rateLimited } from "./rate-limit";

const bearer = (header: string | undefined) => {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
};

/** How many API keys' digests an isolate remembers. */
export const MAX_KEY_DIGESTS = 1_000;

/**
 * Digests of the keys this isolate saw recently (oldest evicted first), so a client's every request
 * does not hash its key again. Bounded: random keys cycle through it without growing it. The keys
 * stay in this isolate's memory only, as they do while a request holds them; nothing is stored.
 */
export const keyDigests = new Map<string, string>();

export const keyDigest = async (key: string): Promise<string> => {
  const known = keyDigests.get(key);
  if (known) return known;
  const digest = await sha256Hex(key);
  if (keyDigests.size >= MAX_KEY_DIGESTS) keyDigests.delete(keyDigests.keys().next().value!);
  keyDigests.set(key, digest);
  return digest;
};

/**
 * Everything `/api/ext-v1/*` checks before its route runs, in this order, as one middleware (one
 * async layer instead of three; issue 18, BENCHMARKS.md):
 * 1. the organization's API key from `x-api-key` or `Authorization: Bearer` (401 without one); only
 *    its digest is kept. Whether the key is valid is decided inside the handler's own D1 batch, so
 *    authentication costs no extra round trip and a revoked key fails on the next request;
 * 2. the failed-authentication guard for the client's IP (./auth-failures.ts, 429): before the per-key
 *    limit, since random keys each get a fresh per-key budget and an IP does not;
 * 3. the per-key rate limit (./rate-limit.ts, 429): after authentication, the budget belongs to the key;
 * then the route, and afterwards the guard counts a 401 against the IP.
 * Both limiter bindings are required: a deploy that lost one answers 500 instead of running unlimited.
 */
export const apiKeyGate = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const key = c.req.header("x-api-key")?.trim() || bearer(c.req.header("authorization"));
  if (!key) return errorResponse(c, errors.missingApiKey());
  const keyHash = await keyDigest(key);
  c.set("keyHash", keyHash);
  // The key's database, from its prefix alone: no lookup, so authentication stays inside the handler's one batch.
  c.set("shard", shardOfApiKey(key));
  requiredLimiter(c.env.AUTH_FAILURE_LIMITER, "AUTH_FAILURE_LIMITER");
  const ip = c.req.header("cf-connecting-ip");
  const refused = (ip !== undefined && authFailures.blocked(c, ip, keyHash)) || (await rateLimited(c, keyHash));
  if (refused) return refused;
  await next();
  if (ip !== undefined) await authFailures.record(c, ip, keyHash);
};

/** Operator endpoints: invisible (404) unless ADMIN_TOKEN is configured, then a bearer token. */
export const adminAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) return errorResponse(c, errors.notFound());
  const token = bearer(c.req.header("authorization"));
  if (!token || !(await secretsEqual(token, expected))) {
    return errorResponse(c, errors.invalidAdminToken());
  }
  await next();
};
