import * as z from "zod/mini";
import type { Context } from "hono";
import { sha256Hex } from "../lib/crypto";
import { errors } from "./errors";

/**
 * The optional `Idempotency-Key` request header. Named in its canonical casing: the validator
 * matches header names case-insensitively and reports a bad value under this name.
 */
export const idempotencyHeader = {
  "Idempotency-Key": z
    .optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, "Idempotency-Key must be 1..255 visible ASCII characters")))
    .register(z.globalRegistry, {
      description:
        "Makes a retry safe: within 24 hours the same key with the same body returns the original response " +
        "(with `idempotency-replayed: true`) and creates nothing; the same key with a different body is a 422. " +
        "Keys are per organization.",
      // No example: /docs would pre-fill it, and a second click would replay or get a 422.
    }),
};

/**
 * SHA-256 of the validated body. Zod emits keys in schema order with defaults applied, so
 * retries that differ only in key order, whitespace or an explicit default hash the same.
 */
export const requestHash = (validatedBody: unknown): Promise<string> => sha256Hex(JSON.stringify(validatedBody));

/**
 * The one mapping of an idempotent replay to HTTP, for every endpoint taking `Idempotency-Key`: a
 * key first used with another request is the 422; the same request is answered again, marked
 * `idempotency-replayed: true`. An assertion, so the caller's condition narrows after it.
 */
export function acceptReplay(c: Context, sameRequest: boolean): asserts sameRequest {
  if (!sameRequest) throw errors.idempotencyMismatch();
  c.header("idempotency-replayed", "true");
}
