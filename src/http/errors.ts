import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type Issue = { path: string; message: string };

export type ErrorBody = { success: false; error: string; issues?: Issue[] };

/**
 * Fields some of Telemetron's errors carry beside `error` (the existing `telemetronCustomerId`
 * on a 409, `currentDevices` on a not-assigned 400): a Telemetron client reads them there.
 */
export type ErrorDetails = Record<string, string | string[]>;

/** An error a handler raises on purpose; the app's error handler renders it in the contract's shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly issues?: Issue[],
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }
}

export const errorBody = (error: string, issues?: Issue[], details?: ErrorDetails): ErrorBody => ({
  success: false,
  error,
  ...(issues ? { issues } : {}),
  ...details,
});

export const errorResponse = (c: Context, status: ContentfulStatusCode, error: string, issues?: Issue[], details?: ErrorDetails) =>
  c.json(errorBody(error, issues, details), status);

/** Zod issue paths in the contract's dot notation (`messages.2.role`). */
export const toIssues = (zodIssues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): Issue[] =>
  zodIssues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

/** The 401 for a key that is unknown or revoked, decided inside a handler's own D1 batch. */
export const invalidApiKey = () => new ApiError(401, "Invalid or revoked API key");
