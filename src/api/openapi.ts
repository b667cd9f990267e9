import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { errorResponse, errors } from "../http/errors";
import { errorSchema } from "./common";
import { createRoute } from "./route";
import { createRouter } from "./router";

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

// The document itself is built at build time (`npm run openapi` → docs/openapi.json, copied into the
// static assets by scripts/copy-docs-assets.mjs): the worker only hands the file out.
const documentRoute = createRoute({
  operationId: "openApiDocument",
  method: "get",
  path: "/openapi.json",
  tags: ["Meta"],
  summary: "This document (OpenAPI 3.1, no auth)",
  security: [],
  responses: { 200: { description: "The OpenAPI document", content: { "application/json": { schema: z.looseObject({}) } } } },
});

const docsRoute = createRoute({
  operationId: "docsPage",
  method: "get",
  path: "/docs",
  tags: ["Meta"],
  summary: "Interactive API reference for this document (no auth)",
  security: [],
  middleware: [docsHeaders],
  responses: { 200: { description: "HTML page", content: { "text/html": { schema: z.string() } } } },
});

const docsAssetRoute = createRoute({
  operationId: "docsAsset",
  method: "get",
  path: "/docs/{file}",
  tags: ["Meta"],
  summary: "Scripts and styles of the reference page, served from Workers static assets",
  security: [],
  middleware: [docsHeaders],
  request: {
    params: z.object({
      file: z
        .string()
        .check(z.regex(/^[\w.-]+$/))
        .register(z.globalRegistry, { example: "swagger-ui-bundle.js" }),
    }),
  },
  responses: {
    200: { description: "The file" },
    400: { description: "Not a file name (letters, digits, '.', '_', '-')", content: { "application/json": { schema: errorSchema } } },
    404: { description: "No such file", content: { "application/json": { schema: errorSchema } } },
  },
});

/** Serves a file of the static-assets directory; a miss is a 404 in the contract's shape. */
const asset = async (c: Context<AppEnv>, path: string): Promise<Response> => {
  const res = await c.env.ASSETS?.fetch(new URL(path, c.req.url));
  if (!res?.ok) return errorResponse(c, errors.notFound());
  // A fetched response's headers are immutable; the security headers middleware needs to add to them.
  return new Response(res.body, res);
};

/** `/openapi.json` and `/docs`, both static assets. */
export const referenceApi = createRouter();

referenceApi.openapi(documentRoute, (c) => asset(c, "/openapi.json"));
referenceApi.openapi(docsRoute, (c) => asset(c, "/docs/index.html"));
referenceApi.openapi(docsAssetRoute, (c) => asset(c, `/docs/${c.req.valid("param").file}`));
