import * as z from "zod";
import { ERROR_CODES } from "../http/errors";
import { RATE_LIMITS } from "../http/limits";

const { RATE_LIMITER: perKey, AUTH_FAILURE_LIMITER: perIp } = RATE_LIMITS;

/**
 * An instant in ISO-8601 with an offset (`Z` or `±hh:mm`), `field` naming it in the 400. Stored
 * timestamps are toISOString() strings compared as text, so the instant must fall within the years
 * 0000-9999 in UTC: beyond them toISOString() writes an expanded year (`+010000-…`, `-000001-…`)
 * that sorts before every stored timestamp. (A string that is no date-time at all is the format
 * check's issue alone.)
 */
export const instant = (field: string) =>
  z.iso.datetime({ offset: true }).refine(
    (value) => {
      const ms = Date.parse(value);
      return Number.isNaN(ms) || /^\d{4}-/.test(new Date(ms).toISOString());
    },
    { message: `${field} must be an instant within the years 0000 to 9999 (UTC)` },
  );

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "an array",
};

// Zod's "Invalid input: expected string, received undefined" names neither the field nor, in plain
// words, what is wrong. Every router's routes import this module, so its validators say
// "title is required" / "messages.2.content must be a string" instead. A schema's own message
// (an `error` it was given, Telemetron's strings) still wins over these.
z.config({
  customError: (issue) => {
    if (issue.code !== "invalid_type" || !issue.path?.length) return undefined;
    const field = issue.path.map(String).join(".");
    if (issue.input === undefined) return `${field} is required`;
    return `${field} must be ${EXPECTED[issue.expected] ?? issue.expected}`;
  },
});

export const errorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().meta({ example: "Validation failed" }),
    code: z.enum(ERROR_CODES).meta({ description: "Stable machine-readable name of the error (README: error codes)" }),
    issues: z.array(z.object({ path: z.string().meta({ example: "priority" }), message: z.string() })).optional(),
  })
  .meta({ id: "Error" });

const ERROR_DESCRIPTIONS = {
  400: "Invalid request: malformed JSON, missing or invalid fields",
  401: "Missing, unknown or revoked credentials",
  404: "Not found in this organization",
  409: "Conflict",
  413: "Request body over 1 MiB",
  415: "Content-Type is not JSON",
  422: "Idempotency-Key reused with a different body",
  429: `Rate limit exceeded (${perKey.limit} requests per ${perKey.period} s per API key, or ${perIp.limit} failed authentications per ${perIp.period} s per client IP); see retry-after`,
  500: "Internal server error",
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

// What a caller actually receives, one example per status.
const ERROR_EXAMPLES: Record<ErrorStatus, z.infer<typeof errorSchema>> = {
  400: {
    success: false,
    error: 'Invalid priority "critical": expected one of low, medium, high, urgent',
    code: "validation_failed",
    issues: [{ path: "priority", message: 'Invalid priority "critical": expected one of low, medium, high, urgent' }],
  },
  401: { success: false, error: "Invalid or revoked API key", code: "invalid_api_key" },
  404: { success: false, error: "Customer not found", code: "customer_not_found" },
  409: {
    success: false,
    error: "Another customer of this organization already has this email",
    code: "customer_email_taken",
    issues: [{ path: "email", message: "email already in use" }],
  },
  413: { success: false, error: "Request body exceeds the 1 MiB limit", code: "payload_too_large" },
  415: { success: false, error: "Content-Type must be application/json", code: "unsupported_media_type" },
  422: {
    success: false,
    error: "Idempotency-Key was already used with a different request body",
    code: "idempotency_mismatch",
    issues: [{ path: "Idempotency-Key", message: "reuse a key only to retry the identical request" }],
  },
  429: { success: false, error: "Rate limit exceeded for this API key; retry after 10 seconds", code: "rate_limited" },
  500: { success: false, error: "Internal server error", code: "internal_error" },
};

const RETRY_AFTER = { "retry-after": { description: "Seconds to wait before retrying", schema: { type: "integer" as const } } };

type ErrorResponse = {
  description: string;
  headers?: typeof RETRY_AFTER;
  content: { "application/json": { schema: typeof errorSchema; example: z.infer<typeof errorSchema> } };
};

/** OpenAPI response entries for error statuses, all in the contract's error shape. */
export const errorResponses = <S extends ErrorStatus>(...statuses: S[]) => {
  const out = {} as Record<S, ErrorResponse>;
  for (const s of statuses) {
    out[s] = {
      description: ERROR_DESCRIPTIONS[s],
      ...(s === 429 ? { headers: RETRY_AFTER } : {}),
      content: { "application/json": { schema: errorSchema, example: ERROR_EXAMPLES[s] } },
    };
  }
  return out;
};

/** Either header carries the organization's API key. */
export const apiKeySecurity: Record<string, string[]>[] = [{ apiKey: [] }, { bearerApiKey: [] }];
export const adminSecurity: Record<string, string[]>[] = [{ adminToken: [] }];

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T, examples?: Record<string, { summary: string; value: z.input<T> }>) => ({
  required: true,
  content: { "application/json": { schema, ...(examples ? { examples } : {}) } },
});
