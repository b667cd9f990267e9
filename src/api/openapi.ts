import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env";
import { MAX_BODY_BYTES } from "../http/body-limit";
import { BOOKMARK_HEADER } from "../http/d1-session";
import { errorResponse, errors } from "../http/errors";
import { errorSchema } from "./common";
import { RATE_LIMITS } from "../http/limits";
import { IDEMPOTENCY_TTL_MS } from "../db/idempotency";
import { CUSTOMER_LIMITS } from "./customers/schemas";
import { ASSIGNMENT_LIMITS } from "./device-assignments/schemas";
import { DEVICE_LIMITS } from "./devices/schemas";
import { LIMITS } from "./tickets/schemas";

const DESCRIPTION = `
Support-ticket intake, compatible with Telemetron's external API (\`/api/ext-v1\`, header \`x-api-key\`): every
endpoint Telemetron documents (tickets, customers, devices, device assignments) answers with Telemetron's keys,
nesting, messages and status codes; fields marked "Extension" are ours.

**Authentication.** Organization endpoints take the API key in \`x-api-key\` (or \`Authorization: Bearer <key>\`).
Operator endpoints (\`/admin\`) take \`Authorization: Bearer <ADMIN_TOKEN>\`.

**Errors.** Every 4xx/5xx body is \`{ "success": false, "error": "…", "issues"?: [{ "path", "message" }] }\`;
\`issues\` lists one entry per invalid field, \`path\` in dot notation (\`messages.2.role\`). Where Telemetron documents
an error string, \`error\` is that string, and Telemetron's extra keys (\`telemetronCustomerId\` on a customer 409,
\`customerId\`/\`deviceIdentifier\`/\`currentDevices\` on a not-assigned 400) sit beside it. Malformed JSON is
\`400 "Invalid JSON payload"\`. On \`/api/ext-v1\` a JSON body without \`Content-Type\` or as \`text/plain\` is accepted;
forms and multipart are 415.

**Limits.** Request bodies: at most ${MAX_BODY_BYTES / 1024 / 1024} MiB (else 413, without reading the rest).
Tickets: title ${LIMITS.title} characters, description ${LIMITS.description}, at most ${LIMITS.messages} messages of
${LIMITS.messageContent} characters each, category name ${LIMITS.category}, email ${LIMITS.email}. Customers: name
${CUSTOMER_LIMITS.name}, phone ${CUSTOMER_LIMITS.phone}, address ${CUSTOMER_LIMITS.address}, at most ${CUSTOMER_LIMITS.categories} categories.
Devices: identifier ${DEVICE_LIMITS.identifier}, type ${DEVICE_LIMITS.type}, at most ${DEVICE_LIMITS.categories} categories, ${DEVICE_LIMITS.bulk} per
bulk-metadata call. Assignments: at most ${ASSIGNMENT_LIMITS.emails} emails per assignDeviceToOwners call and ${ASSIGNMENT_LIMITS.identifiers}
identifiers per bulk call.

**Rate limit.** Each API key may make ${RATE_LIMITS.RATE_LIMITER.limit} requests per ${RATE_LIMITS.RATE_LIMITER.period} seconds; over it: 429 with
\`retry-after\` (seconds). One key's budget never affects another key.

**Idempotency.** \`createTicket\` accepts \`Idempotency-Key\` (1..255 visible ASCII characters). Within
${IDEMPOTENCY_TTL_MS / 3_600_000} hours the same key (per organization) with the same body returns the original response with
\`idempotency-replayed: true\` and creates nothing; with a different body it is a 422. Concurrent requests with
one key create exactly one ticket: the others get its response.

**Read-your-writes.** Ticket and customer endpoints return \`${BOOKMARK_HEADER}\` (a D1 Sessions bookmark). Reads
may be served by a read replica; send the latest bookmark you received back in \`${BOOKMARK_HEADER}\` to read data
at least as recent as your own last write.
`.trim();

const docsFileParam = z.object({
  file: z
    .string()
    .regex(/^[\w.-]+$/)
    .openapi({ param: { name: "file", in: "path" }, example: "swagger-ui-bundle.js" }),
});

const docsRoute = createRoute({
  operationId: "docsPage",
  method: "get",
  path: "/docs",
  tags: ["Meta"],
  summary: "Interactive API reference for this document (no auth)",
  security: [],
  responses: { 200: { description: "HTML page", content: { "text/html": { schema: z.string() } } } },
});

const docsAssetRoute = createRoute({
  operationId: "docsAsset",
  method: "get",
  path: "/docs/{file}",
  tags: ["Meta"],
  summary: "Scripts and styles of the reference page, served from Workers static assets",
  security: [],
  request: { params: docsFileParam },
  responses: {
    200: { description: "The file" },
    400: { description: "Not a file name (letters, digits, '.', '_', '-')", content: { "application/json": { schema: errorSchema } } },
    404: { description: "No such file", content: { "application/json": { schema: errorSchema } } },
  },
});

// The page runs only our own scripts and talks only to this origin.
const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

/** Serves a file of the static-assets directory; a miss is a 404 in the contract's shape. */
const asset = async (c: Context<AppEnv>, path: string): Promise<Response> => {
  const res = await c.env.ASSETS?.fetch(new URL(path, c.req.url));
  if (!res?.ok) return errorResponse(c, errors.notFound());
  // A fetched response's headers are immutable; the security headers middleware needs to add to them.
  return new Response(res.body, res);
};

/**
 * `/openapi.json` (OpenAPI 3.1, generated from the routes' Zod schemas) and `/docs`. Called after
 * every route is registered, so the document covers them all.
 */
export const registerApiReference = (app: OpenAPIHono<AppEnv>) => {
  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description: "The organization's API key.",
  });
  registry.registerComponent("securitySchemes", "bearerApiKey", {
    type: "http",
    scheme: "bearer",
    description: "The organization's API key as a bearer token (same key as x-api-key).",
  });
  registry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The operator token: the worker secret ADMIN_TOKEN.",
  });
  registry.registerPath({
    method: "get",
    path: "/openapi.json",
    tags: ["Meta"],
    operationId: "openApiDocument",
    summary: "This document (OpenAPI 3.1, no auth)",
    security: [],
    responses: { 200: { description: "The OpenAPI document", content: { "application/json": { schema: z.object({}).passthrough() } } } },
  });

  const config = {
    openapi: "3.1.0",
    info: { title: "ticket-intake", version: "1.0.0", description: DESCRIPTION },
    // Relative: the document is served by the API it describes, wherever that is deployed.
    servers: [{ url: "/", description: "This worker" }],
    tags: [
      { name: "Tickets", description: "Create and read support tickets" },
      {
        name: "Ticket lifecycle",
        description: "Update tickets, add replies, read their history (extensions: Telemetron does this in its dashboard)",
      },
      { name: "Customers", description: "The organization's customers" },
      { name: "Devices", description: "The organization's devices (hardware identified by a serial number, MAC address or the like)" },
      { name: "Device assignments", description: "Which customers own which devices (a device may have several owners)" },
      { name: "Operator", description: "Organizations, API keys, categories and routing rules (ADMIN_TOKEN)" },
      { name: "Meta", description: "Health, this document and its reference page" },
    ],
  };
  // The routes cannot change within an isolate, so the document is generated once, on first request.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= app.getOpenAPI31Document(config);
    return c.json(document);
  });

  app.use("/docs", docsHeaders);
  app.use("/docs/*", docsHeaders);
  app.openapi(docsRoute, (c) => asset(c, "/docs/index.html"));
  app.openapi(docsAssetRoute, (c) => asset(c, `/docs/${c.req.valid("param").file}`));
};
