import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MAX_BODY_SIZE } from "./limits";

export type Issue = { path: string; message: string };

/**
 * The error catalogue: every `code` an error body of this worker can carry, with its HTTP status
 * and what it means. A code is a stable, machine-readable name (clients switch on it; `error` is
 * the human text, Telemetron's words where it documents them). The OpenAPI error schema and the
 * README's list are derived from or checked against this table; a new error starts here.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, meaning: "A field is missing or invalid; `issues` lists one entry per offending field" },
  invalid_json: { status: 400, meaning: "The request body is not well-formed JSON" },
  bad_request: { status: 400, meaning: "The request was refused before validation (the status says how)" },
  device_not_assigned: { status: 400, meaning: "The device is not assigned to this customer (Telemetron's 400)" },
  missing_api_key: { status: 401, meaning: "No API key in `x-api-key` or `Authorization: Bearer`" },
  invalid_api_key: { status: 401, meaning: "The API key is unknown or revoked" },
  invalid_admin_token: { status: 401, meaning: "The operator token is missing or wrong" },
  not_found: { status: 404, meaning: "Nothing is served at this path" },
  ticket_not_found: { status: 404, meaning: "No such ticket in this organization" },
  customer_not_found: { status: 404, meaning: "No such customer in this organization" },
  device_not_found: { status: 404, meaning: "No such device in this organization" },
  organization_not_found: { status: 404, meaning: "No such organization" },
  api_key_not_found: { status: 404, meaning: "No such API key in this organization" },
  webhook_endpoint_not_found: { status: 404, meaning: "No such webhook endpoint in this organization" },
  event_not_found: { status: 404, meaning: "No such ticket event in this organization" },
  attachment_not_found: { status: 404, meaning: "No such attachment in this organization" },
  method_not_allowed: { status: 405, meaning: "The path exists, not with this method; see the `Allow` header" },
  ticket_changed: { status: 409, meaning: "The ticket changed since `expectedUpdatedAt`" },
  customer_email_taken: { status: 409, meaning: "Another customer of this organization has this email" },
  nothing_to_retry: { status: 409, meaning: "None of this ticket's notifications failed" },
  too_many_webhook_endpoints: { status: 409, meaning: "The organization already has the most webhook endpoints allowed" },
  email_address_taken: { status: 409, meaning: "Another organization receives mail at this address" },
  payload_too_large: { status: 413, meaning: `The request body is over ${MAX_BODY_SIZE}` },
  unsupported_media_type: { status: 415, meaning: "The request body is not JSON" },
  idempotency_mismatch: { status: 422, meaning: "The `Idempotency-Key` was already used with a different request" },
  rate_limited: { status: 429, meaning: "This API key is over its rate limit; see `retry-after`" },
  too_many_failed_authentications: { status: 429, meaning: "This client address sent too many bad keys; see `retry-after`" },
  internal_error: { status: 500, meaning: "Something failed on our side; the log has details under the request id" },
  shard_unavailable: {
    status: 503,
    meaning: "The organization's database has not been migrated to this version of the worker yet; retry later",
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The catalogue's codes, in its order (for the OpenAPI enum and the README check). */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];

export type ErrorBody = { success: false; error: string; code: ErrorCode; issues?: Issue[] };

/**
 * Fields some of Telemetron's errors carry beside `error` (the existing `telemetronCustomerId`
 * on a 409, `currentDevices` on a not-assigned 400): a Telemetron client reads them there.
 */
export type ErrorDetails = Record<string, string | string[]>;

/**
 * An error the worker answers on purpose; the app's error handler (or a middleware, through
 * errorResponse) renders it in the contract's shape. Made by the factories below, not by hand.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
    readonly details?: ErrorDetails,
    // Only for an HTTPException Hono raised with its own status (bad_request).
    status?: ContentfulStatusCode,
  ) {
    super(message);
    this.status = status ?? ERROR_CATALOGUE[code].status;
  }
}

export const errorBody = (err: ApiError): ErrorBody => ({
  success: false,
  error: err.message,
  code: err.code,
  ...(err.issues ? { issues: err.issues } : {}),
  ...err.details,
});

export const errorResponse = (c: Context, err: ApiError) => c.json(errorBody(err), err.status);

/** Zod issue paths in the contract's dot notation (`messages.2.role`). */
export const toIssues = (zodIssues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): Issue[] =>
  zodIssues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

/**
 * A 400 with one issue per offending field. `error` is "Validation failed" unless the endpoint's
 * Telemetron text is the first issue's own (the device endpoints, whose schemas carry those words).
 */
const validationFailed = (issues: Issue[], error = "Validation failed") => new ApiError("validation_failed", error, issues);

/** A validation failure whose one issue's message is the error itself (Telemetron's device 400s). */
const invalidField = (path: string, message: string) => validationFailed([{ path, message }], message);

/**
 * Every error the worker raises, by name: each message is stated here once. Outcomes shared by
 * several handlers (`unauthorized`, a resource's `not_found`, an idempotency mismatch) map to
 * the same factory everywhere.
 */
export const errors = {
  validationFailed,
  invalidField,
  invalidCursor: () => validationFailed([{ path: "cursor", message: "Invalid cursor" }]),
  unknownCategories: (kind: "ticket" | "customer" | "device", found: { path: string; name: string }[]) =>
    validationFailed(
      found.map(({ path, name }) => ({ path, message: `"${name}" is not an active ${kind} category of this organization` })),
    ),
  customerEmailMismatch: () =>
    validationFailed([{ path: "customerEmail", message: "customerEmail does not belong to the customer given by customerId" }]),
  /** `max`: MAX_TICKET_MESSAGES, passed by the handler so this module stays free of the db layer. */
  tooManyMessages: (messageCount: number, max: number) =>
    validationFailed([{ path: "messages", message: `a ticket holds at most ${max} messages; this one has ${messageCount}` }]),
  deviceTypeRequired: () => invalidField("type", "type is required when creating a device"),
  invalidJson: () => new ApiError("invalid_json", "Invalid JSON payload"),
  badRequest: (message: string, status: ContentfulStatusCode) =>
    new ApiError("bad_request", message || "Bad request", undefined, undefined, status),
  deviceNotAssigned: (details: ErrorDetails) =>
    new ApiError("device_not_assigned", "Device is not assigned to this customer", undefined, details),

  missingApiKey: () => new ApiError("missing_api_key", "Missing API key: send it in the x-api-key header"),
  /** The 401 for a key that is unknown or revoked, decided inside a handler's own D1 batch. */
  invalidApiKey: () => new ApiError("invalid_api_key", "Invalid or revoked API key"),
  invalidAdminToken: () => new ApiError("invalid_admin_token", "Invalid or missing admin token"),

  notFound: () => new ApiError("not_found", "Not found"),
  noRoute: (method: string, path: string) => new ApiError("not_found", `No route for ${method} ${path}`),
  ticketNotFound: () => new ApiError("ticket_not_found", "Ticket not found"),
  /** Telemetron's words differ by endpoint: `getCustomer`/`queryCustomer`, an update, the assignment calls. */
  customerNotFound: () => new ApiError("customer_not_found", "Customer not found"),
  customerToUpdateNotFound: () => new ApiError("customer_not_found", "Customer not found or does not belong to this organization"),
  assignmentCustomerNotFound: () => new ApiError("customer_not_found", "Customer not found for this organization"),
  deviceNotFound: () => new ApiError("device_not_found", "Device not found"),
  assignmentDeviceNotFound: () =>
    new ApiError(
      "device_not_found",
      "Device not found with the provided identifier. Set autoCreateDevice to true to create it automatically.",
    ),
  organizationNotFound: () => new ApiError("organization_not_found", "Organization not found"),
  apiKeyNotFound: () => new ApiError("api_key_not_found", "API key not found"),
  webhookEndpointNotFound: () => new ApiError("webhook_endpoint_not_found", "Webhook endpoint not found"),
  eventNotFound: () => new ApiError("event_not_found", "Event not found"),
  attachmentNotFound: () => new ApiError("attachment_not_found", "Attachment not found"),
  /** `max`: MAX_WEBHOOK_ENDPOINTS, passed by the handler so this module stays free of the db layer. */
  tooManyWebhookEndpoints: (max: number) =>
    new ApiError("too_many_webhook_endpoints", `An organization has at most ${max} webhook endpoints; delete one first`),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new ApiError("method_not_allowed", `Method ${method} not allowed; use ${allowed.join(", ")}`),

  ticketChanged: (updatedAt: string) =>
    new ApiError("ticket_changed", "The ticket changed since expectedUpdatedAt; read it again and retry", [
      { path: "expectedUpdatedAt", message: `the ticket's updatedAt is now ${updatedAt}` },
    ]),
  /** Creating: Telemetron's 409, pointing at the existing customer. */
  customerExists: (existingId: string) =>
    new ApiError(
      "customer_email_taken",
      "Customer already exists with this email. Specify telemetronCustomerId to update fields.",
      undefined,
      { telemetronCustomerId: existingId },
    ),
  /** Updating to an email another customer holds. */
  customerEmailTaken: (existingId: string) =>
    new ApiError(
      "customer_email_taken",
      "Another customer of this organization already has this email",
      [{ path: "email", message: "email already in use" }],
      { telemetronCustomerId: existingId },
    ),
  /** An inbound address belongs to one organization across the deployment. */
  emailAddressTaken: (address: string) =>
    new ApiError("email_address_taken", `Another organization already receives mail at ${address}`, [
      { path: "email.addresses", message: `${address} is taken` },
    ]),
  nothingToRetry: () => new ApiError("nothing_to_retry", "Nothing to retry: none of this ticket's Slack posts failed"),

  payloadTooLarge: () => new ApiError("payload_too_large", `Request body exceeds the ${MAX_BODY_SIZE} limit`),
  unsupportedMediaType: () => new ApiError("unsupported_media_type", "Content-Type must be application/json"),
  idempotencyMismatch: () =>
    new ApiError("idempotency_mismatch", "Idempotency-Key was already used with a different request body", [
      { path: "Idempotency-Key", message: "reuse a key only to retry the identical request" },
    ]),
  rateLimited: (seconds: number) => new ApiError("rate_limited", `Rate limit exceeded for this API key; retry after ${seconds} seconds`),
  tooManyFailedAuthentications: () =>
    new ApiError("too_many_failed_authentications", "Too many failed authentications from this address; retry later"),
  internal: () => new ApiError("internal_error", "Internal server error"),
  shardUnavailable: (shard: number) =>
    new ApiError("shard_unavailable", `Database shard ${shard} is being upgraded (its schema is behind this worker); retry later`),
};
