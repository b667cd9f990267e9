import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { errorResponse, errors } from "../http/errors";
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
});

const docsRoute = createRoute({
  operationId: "docsPage",
  method: "get",
  path: "/docs",
  middleware: [docsHeaders],
});

const docsAssetRoute = createRoute({
  operationId: "docsAsset",
  method: "get",
  path: "/docs/{file}",
  middleware: [docsHeaders],
  request: {
    params: z.object({
      file: z
        .string()
        .check(z.regex(/^[\w.-]+$/))
        .register(z.globalRegistry, { example: "swagger-ui-bundle.js" }),
    }),
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
