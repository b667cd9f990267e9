import * as z from "zod/mini";
import { errorSchema } from "./common.docs";
import type { RouteDocs } from "./route";

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const referenceDocs: Record<string, RouteDocs> = {
  openApiDocument: {
    tags: ["Meta"],
    summary: "This document (OpenAPI 3.1, no auth)",
    security: [],
    responses: { 200: { description: "The OpenAPI document", content: { "application/json": { schema: z.looseObject({}) } } } },
  },
  docsPage: {
    tags: ["Meta"],
    summary: "Interactive API reference for this document (no auth)",
    security: [],
    responses: { 200: { description: "HTML page", content: { "text/html": { schema: z.string() } } } },
  },
  docsAsset: {
    tags: ["Meta"],
    summary: "Scripts and styles of the reference page, served from Workers static assets",
    security: [],
    responses: {
      200: { description: "The file" },
      400: { description: "Not a file name (letters, digits, '.', '_', '-')", content: { "application/json": { schema: errorSchema } } },
      404: { description: "No such file", content: { "application/json": { schema: errorSchema } } },
    },
  },
};
