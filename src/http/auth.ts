import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { secretsEqual, sha256Hex } from "../lib/crypto";
import { errorResponse, errors } from "./errors";

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
 * Reads the organization's API key from `x-api-key` or `Authorization: Bearer` and keeps
 * only its digest. Whether the key is valid is decided inside the handler's own D1 batch,
 * so authentication costs no extra round trip and a revoked key fails on the next request.
 */
export const apiKeyAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const key = c.req.header("x-api-key")?.trim() || bearer(c.req.header("authorization"));
  if (!key) return errorResponse(c, errors.missingApiKey());
  c.set("keyHash", await keyDigest(key));
  await next();
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
