import { z } from "@hono/zod-openapi";

export const errorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: "Validation failed" }),
    issues: z
      .array(z.object({ path: z.string().openapi({ example: "priority" }), message: z.string() }))
      .optional(),
  })
  .openapi("Error");

const ERROR_DESCRIPTIONS = {
  400: "Invalid request: malformed JSON, missing or invalid fields",
  401: "Missing, unknown or revoked credentials",
  404: "Not found in this organization",
  409: "Conflict",
  413: "Request body over 1 MiB",
  415: "Content-Type is not JSON",
  422: "Idempotency-Key reused with a different body",
  429: "Rate limit exceeded; see retry-after",
  500: "Internal server error",
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

type ErrorResponse = { description: string; content: { "application/json": { schema: typeof errorSchema } } };

/** OpenAPI response entries for error statuses, all in the contract's error shape. */
export const errorResponses = <S extends ErrorStatus>(...statuses: S[]) => {
  const out = {} as Record<S, ErrorResponse>;
  for (const s of statuses) {
    out[s] = { description: ERROR_DESCRIPTIONS[s], content: { "application/json": { schema: errorSchema } } };
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

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
