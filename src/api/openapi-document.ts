// Build time only (never imported by the worker): the OpenAPI 3.1 document, made with Zod's own
// z.toJSONSchema from the very route objects and schemas the routers validate with, joined with
// each route's docs (the `*.docs.ts` modules). `npm run openapi`
// writes it to docs/openapi.json; test/api/openapi.test.ts builds it again in the Workers runtime and
// fails when the file and the routes disagree.
import * as z from "zod/mini";
import { IDEMPOTENCY_TTL_MS } from "../db/idempotency";
import { MAX_BODY_BYTES } from "../http/body-limit";
import { BOOKMARK_HEADER } from "../http/d1-session";
import { RATE_LIMITS } from "../http/limits";
import { CUSTOMER_LIMITS } from "./customers/schemas";
import { ASSIGNMENT_LIMITS } from "./device-assignments/schemas";
import { DEVICE_LIMITS } from "./devices/schemas";
import { adminDocs } from "./admin/routes.docs";
import { customersDocs } from "./customers/routes.docs";
import { deviceAssignmentsDocs } from "./device-assignments/routes.docs";
import { devicesDocs } from "./devices/routes.docs";
import { healthDocs } from "./health.docs";
import { referenceDocs } from "./openapi.docs";
import type { RouteConfig, RouteDocs } from "./route";
import { type Operation, ROUTERS, type RouterName, registeredOperations } from "./routers";
import { ticketLifecycleDocs } from "./ticket-lifecycle/routes.docs";
import { ticketsDocs } from "./tickets/routes.docs";
import { webhooksDocs } from "./webhooks/routes.docs";
// The request schemas' descriptions, examples and component ids: each module describes its
// resource's schemas when it is loaded, before any document is built.
import "./admin/schemas.docs";
import "./customers/schemas.docs";
import "./device-assignments/schemas.docs";
import "./devices/schemas.docs";
import "./ticket-lifecycle/schemas.docs";
import "./tickets/schemas.docs";
import "./webhooks/schemas.docs";
import { LIMITS } from "./tickets/schemas";
import { webhookEventCatalogue } from "./webhooks/event-catalogue.docs";

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

**Webhooks.** Endpoints registered with \`/api/ext-v1/webhook/createEndpoint\` receive every ticket event of the
organization as a POST signed per the Standard Webhooks specification (\`webhook-id\`, \`webhook-timestamp\`,
\`webhook-signature\`), retried on failure for about three days; the \`webhooks\` section lists each event type and its payload.

**Read-your-writes.** Ticket and customer endpoints return \`${BOOKMARK_HEADER}\` (a D1 Sessions bookmark). Reads
may be served by a read replica; send the latest bookmark you received back in \`${BOOKMARK_HEADER}\` to read data
at least as recent as your own last write.
`.trim();

const CONFIG = {
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
    { name: "Webhooks", description: "Endpoints that receive the organization's ticket events, signed (Standard Webhooks)" },
    { name: "Operator", description: "Organizations, API keys, categories and routing rules (ADMIN_TOKEN)" },
    { name: "Meta", description: "Health, this document and its reference page" },
  ],
};

const SECURITY_SCHEMES = {
  apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "The organization's API key." },
  bearerApiKey: { type: "http", scheme: "bearer", description: "The organization's API key as a bearer token (same key as x-api-key)." },
  adminToken: { type: "http", scheme: "bearer", description: "The operator token: the worker secret ADMIN_TOKEN." },
  webhookSignature: {
    type: "apiKey",
    in: "header",
    name: "webhook-signature",
    description: "Webhooks only (what your receiver checks): the Standard Webhooks signature by the endpoint's secret.",
  },
} as const;

/** Each router's docs, by operationId: the `*.docs.ts` modules, which the worker never imports. */
export const ROUTE_DOCS = {
  health: healthDocs,
  tickets: ticketsDocs,
  ticketLifecycle: ticketLifecycleDocs,
  customers: customersDocs,
  devices: devicesDocs,
  deviceAssignments: deviceAssignmentsDocs,
  webhooks: webhooksDocs,
  admin: adminDocs,
  reference: referenceDocs,
} satisfies Record<RouterName, Record<string, RouteDocs>>;

type DocumentedRoute = RouteConfig &
  Omit<RouteDocs, "body"> & {
    request?: RouteConfig["request"] & {
      body?: { description?: string; content: Record<string, { schema: z.ZodMiniType; examples?: unknown }> };
    };
  };

/** A route with its docs: the document is built from both; a route without docs, or docs without a route, is an error. */
const documented = (router: RouterName, route: RouteConfig): DocumentedRoute => {
  const docs: RouteDocs | undefined = ROUTE_DOCS[router][route.operationId];
  if (!docs) throw new Error(`operation ${route.operationId} has no docs in ${router}'s routes.docs.ts`);
  const { body: bodyDocs, ...rest } = docs;
  const body = route.request?.body;
  if (bodyDocs && !body) throw new Error(`operation ${route.operationId}: docs describe a body the route does not take`);
  return {
    ...route,
    ...rest,
    ...(route.request
      ? {
          request: {
            ...route.request,
            ...(body
              ? {
                  body: {
                    ...(bodyDocs?.description ? { description: bodyDocs.description } : {}),
                    ...body,
                    content: {
                      "application/json": {
                        ...body.content["application/json"],
                        ...(bodyDocs?.examples ? { examples: bodyDocs.examples } : {}),
                      },
                    },
                  },
                }
              : {}),
          },
        }
      : {}),
  };
};

/** Every registered route with its docs; fails on docs entries that name no registered operation. */
export const documentedRoutes = async (): Promise<DocumentedRoute[]> => {
  const routes: DocumentedRoute[] = [];
  for (const [router, load] of Object.entries(ROUTERS) as [RouterName, (typeof ROUTERS)[RouterName]][]) {
    const registered = (await load()).routes;
    const ids = new Set(registered.map((r) => r.operationId));
    const orphans = Object.keys(ROUTE_DOCS[router]).filter((id) => !ids.has(id));
    if (orphans.length) throw new Error(`${router}'s routes.docs.ts documents no registered operation: ${orphans.join(", ")}`);
    routes.push(...registered.map((route) => documented(router, route)));
  }
  return routes;
};

type JsonSchema = Record<string, unknown>;
const COMPONENTS = "#/components/schemas/";

/** Converts schemas; every schema registered with an `id` becomes a component, referenced by `$ref`. */
const converter = () => {
  const components: Record<string, JsonSchema> = {};
  const keep = (id: string, schema: JsonSchema) => {
    const known = components[id];
    // One name, one shape: a schema read both as input and as output must mean the same in both.
    if (known && JSON.stringify(known) !== JSON.stringify(schema)) throw new Error(`component ${id} differs between uses`);
    components[id] = schema;
  };
  const convert = (schema: z.ZodMiniType, io: "input" | "output"): JsonSchema => {
    const converted = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
    // Nested named schemas come back as `$defs`; in the document they are components.
    const { $schema, $defs, ...root } = JSON.parse(JSON.stringify(converted).replaceAll('"#/$defs/', `"${COMPONENTS}`)) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    for (const [id, def] of Object.entries($defs ?? {})) keep(id, def);
    // A named schema itself comes back as a `$ref` to its own entry of `$defs`.
    return root;
  };
  return { components, convert };
};

type Convert = ReturnType<typeof converter>["convert"];

const parameters = (convert: Convert, route: DocumentedRoute) => {
  const { query, params, headers } = route.request ?? {};
  return (
    [
      ["path", params],
      ["query", query],
      ["header", headers],
    ] as const
  ).flatMap(([where, object]) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => {
      const { description, example, ...schema } = convert(field as z.ZodMiniType, "input");
      return {
        in: where,
        name,
        required: where === "path" || (field as z.ZodMiniType)._zod.optin !== "optional",
        ...(description === undefined ? {} : { description }),
        schema,
        ...(example === undefined ? {} : { example }),
      };
    }),
  );
};

const operation = (convert: Convert, route: DocumentedRoute) => {
  const params = parameters(convert, route);
  const body = route.request?.body;
  return {
    operationId: route.operationId,
    ...(route.tags ? { tags: route.tags } : {}),
    ...(route.summary ? { summary: route.summary } : {}),
    ...(route.description ? { description: route.description } : {}),
    ...(route.security ? { security: route.security } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            ...(body.description ? { description: body.description } : {}),
            required: body.required ?? false,
            content: Object.fromEntries(
              Object.entries(body.content).map(([type, { schema, ...rest }]) => [type, { schema: convert(schema, "input"), ...rest }]),
            ),
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, { content, ...rest }]) => [
        status,
        {
          ...rest,
          ...(content
            ? {
                content: Object.fromEntries(
                  Object.entries(content).map(([type, { schema, ...media }]) => [type, { schema: convert(schema, "output"), ...media }]),
                ),
              }
            : {}),
        },
      ]),
    ),
  };
};

/** The OpenAPI 3.1 document of every route the routers register. */
export const buildDocument = async () => {
  const { components, convert } = converter();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of await documentedRoutes()) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation(convert, route);
  }
  // The event catalogue: what the service POSTs to an organization's endpoints (OpenAPI 3.1 `webhooks`).
  const webhooks = Object.fromEntries(
    webhookEventCatalogue().map(({ type, description, headers, schema }) => [
      type,
      {
        post: {
          operationId: `webhook_${type.replace(/\W/g, "_")}`,
          tags: ["Webhooks"],
          summary: type,
          description,
          security: [{ webhookSignature: [] }],
          parameters: headers.map(({ name, description }) => ({
            in: "header",
            name,
            required: true,
            description,
            schema: { type: "string" },
          })),
          requestBody: { required: true, content: { "application/json": { schema: convert(schema, "output") } } },
          responses: {
            200: { description: "Any 2xx: delivered. A redirect or other status is a failed attempt, retried; 410 disables the endpoint." },
          },
        },
      },
    ]),
  );
  return {
    ...CONFIG,
    paths,
    webhooks,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
};

/** src/api/operations.ts: the app's operation table, as the routers register it. */
export const operationsModule = async () => {
  const rows = (await registeredOperations()).map((op: Operation) => `  ${JSON.stringify(op)},`);
  return [
    "// Generated by `npm run openapi` from the routers (src/api/routers.ts). Do not edit: add the route to its",
    "// router and run `npm run openapi`. src/app.ts routes each path to its router, loaded on first use.",
    'import type { Operation } from "./routers";',
    "",
    "export const OPERATIONS: readonly Operation[] = [",
    ...rows,
    "];",
    "",
  ].join("\n");
};
