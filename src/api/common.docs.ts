// Build time only, like every `*.docs.ts` module: what the OpenAPI document says beyond what the
// routes validate (error responses and their examples, security, response helpers). Imported by the
// resources' routes.docs.ts and src/api/openapi-document.ts, never by the worker, so none of it is
// in the bundle (test/api/openapi.test.ts: every route has its docs and every docs entry a route).
import * as z from "zod/mini";
import { type ApiError, ERROR_CODES, type ErrorBody, errorBody, errors } from "../http/errors";
import { MAX_BODY_SIZE, RATE_LIMITS } from "../http/limits";
import { pageQuery } from "./common";

const { RATE_LIMITER: perKey, AUTH_FAILURE_LIMITER: perIp } = RATE_LIMITS;

export const errorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().register(z.globalRegistry, { example: "Validation failed" }),
    code: z
      .enum(ERROR_CODES)
      .register(z.globalRegistry, { description: "Stable machine-readable name of the error (README: error codes)" }),
    issues: z.optional(z.array(z.object({ path: z.string().register(z.globalRegistry, { example: "priority" }), message: z.string() }))),
  })
  .register(z.globalRegistry, { id: "Error" });

const ERROR_DESCRIPTIONS = {
  400: "Invalid request: malformed JSON, missing or invalid fields",
  401: "Missing, unknown or revoked credentials",
  404: "Not found in this organization",
  409: "Conflict",
  413: `Request body over ${MAX_BODY_SIZE}`,
  415: "Content-Type is not JSON",
  422: "Idempotency-Key reused with a different body",
  429: `Rate limit exceeded (${perKey.limit} requests per ${perKey.period} s per API key, or ${perIp.limit} failed authentications per ${perIp.period} s per client IP); see retry-after`,
  500: "Internal server error",
  503: "The organization's database shard has not been migrated to this worker's schema yet; retry later",
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/**
 * The example a status shows unless the route names its own error: rendered by the catalogue's
 * factories, so an example is what a caller actually receives. 404 and 409 have no default: which
 * resource is missing, or which conflict, depends on the operation, so each route names the error
 * its handler raises.
 */
const DEFAULT_ERRORS = {
  400: () => errors.invalidField("priority", `Invalid priority "critical": expected one of low, medium, high, urgent`),
  401: errors.invalidApiKey,
  413: errors.payloadTooLarge,
  415: errors.unsupportedMediaType,
  422: errors.idempotencyMismatch,
  429: () => errors.rateLimited(perKey.period),
  500: errors.internal,
  503: () => errors.shardUnavailable(1),
} satisfies Partial<Record<ErrorStatus, () => ApiError>>;

type DefaultStatus = keyof typeof DEFAULT_ERRORS;
/** Per status, the error a route answers with where it is not the default (always for 404 and 409). */
type NamedErrors = Partial<Record<ErrorStatus, ApiError>>;

const RETRY_AFTER = { "retry-after": { description: "Seconds to wait before retrying", schema: { type: "integer" as const } } };

type ErrorResponse = {
  description: string;
  headers?: typeof RETRY_AFTER;
  content: { "application/json": { schema: typeof errorSchema; example: ErrorBody } };
};

/**
 * OpenAPI response entries for error statuses, all in the contract's error shape: a status shows
 * its default example; `{ 404: errors.ticketNotFound() }` names the error the route answers instead.
 * `errorResponses(400, 401, { 404: errors.ticketNotFound() }, 429, 500)`.
 */
export const errorResponses = (...entries: (DefaultStatus | NamedErrors)[]) => {
  const named: [ErrorStatus, ApiError][] = entries.flatMap((entry) =>
    typeof entry === "number"
      ? [[entry, DEFAULT_ERRORS[entry]()] as [ErrorStatus, ApiError]]
      : (Object.entries(entry) as [string, ApiError][]).map(([s, err]) => [Number(s) as ErrorStatus, err] as [ErrorStatus, ApiError]),
  );
  const out: Record<number, ErrorResponse> = {};
  for (const [s, err] of named.sort(([a], [b]) => a - b)) {
    out[s] = {
      description: ERROR_DESCRIPTIONS[s],
      ...(s === 429 ? { headers: RETRY_AFTER } : {}),
      content: { "application/json": { schema: errorSchema, example: errorBody(err) } },
    };
  }
  return out;
};

/** Either header carries the organization's API key. */
export const apiKeySecurity: Record<string, string[]>[] = [{ apiKey: [] }, { bearerApiKey: [] }];
export const adminSecurity: Record<string, string[]>[] = [{ adminToken: [] }];

export const jsonContent = <T extends z.ZodMiniType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A request body's examples, type-checked against the schema's input. */
export const examplesOf = <T extends z.ZodMiniType>(_schema: T, examples: Record<string, { summary: string; value: z.input<T> }>) =>
  examples;

/**
 * Describes a schema the worker validates with, for the document only: its component `id`, a
 * description, an example, JSON Schema extras. The `*.docs.ts` modules call it on the very instances
 * the routes hold (`body.shape.field`), so the worker carries none of this text.
 */
export const describe = (schema: z.ZodMiniType, meta: Parameters<typeof z.globalRegistry.add>[1]) => {
  z.globalRegistry.add(schema, meta);
};

describe(pageQuery.shape.cursor, { description: "Opaque; pass back `nextCursor`." });
