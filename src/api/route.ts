import { zValidator } from "@hono/zod-validator";
import type { Context, Env, MiddlewareHandler } from "hono";
import type * as z from "zod/mini";
import type { AppEnv } from "../env";

/**
 * One operation as the worker runs it: what the router registers (method, path, middleware, the
 * request schemas its validators use). What only the OpenAPI document says about it (tags, summary,
 * description, security, responses, body examples) is its `RouteDocs`, in the resource's
 * `routes.docs.ts`, keyed by operationId: build-time modules the worker never imports, so none of
 * that text or the response schemas are in the bundle. scripts/openapi.mjs reads both and merges them.
 */
export type RouteConfig = {
  operationId: string;
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI style: `/tickets/{ticketId}`. */
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: each route's middleware declares its own env (d1Session adds db, d1).
  middleware?: readonly MiddlewareHandler<any, any, any>[];
  request?: {
    body?: { required?: boolean; content: { "application/json": { schema: z.ZodMiniType } } };
    query?: z.ZodMiniObject;
    params?: z.ZodMiniObject;
    headers?: z.ZodMiniObject;
  };
};

/** What the OpenAPI document says about one operation beyond its route (build time only). */
export type RouteDocs = {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  body?: { description?: string; examples?: unknown };
  responses: Record<number, ResponseConfig>;
};

export type ResponseConfig = {
  description: string;
  headers?: Record<string, { description?: string; schema: Record<string, unknown> }>;
  content?: Record<string, { schema: z.ZodMiniType; example?: unknown; examples?: unknown }>;
};

export const createRoute = <const R extends RouteConfig>(route: R): R => route;

/** Adds nothing to an intersection. */
type Nothing = Record<never, never>;
type Req<R extends RouteConfig> = NonNullable<R["request"]>;
type Part<R extends RouteConfig, K extends string, Target extends string> =
  Req<R> extends { [k in K]: infer S extends z.ZodMiniType } ? { [t in Target]: z.output<S> } : Nothing;
type Body<R extends RouteConfig> =
  Req<R> extends { body: { content: { "application/json": { schema: infer S extends z.ZodMiniType } } } } ? { json: z.output<S> } : Nothing;

/** What `c.req.valid(target)` returns in the handler: the validated (output) types of the route's schemas. */
type ValidOut<R extends RouteConfig> = Body<R> & Part<R, "query", "query"> & Part<R, "params", "param"> & Part<R, "headers", "header">;

/** The variables the route's own middleware adds (`d1Session` adds `db` and `d1`). */
// biome-ignore lint/suspicious/noExplicitAny: only the env is read.
type MiddlewareEnv<R extends RouteConfig> = R["middleware"] extends readonly MiddlewareHandler<infer E, any, any>[] ? E : Env;

export type RouteHandler<R extends RouteConfig> = (
  c: Context<AppEnv & MiddlewareEnv<R>, string, { out: ValidOut<R> }>,
) => Response | Promise<Response>;

export type ValidationHook = Parameters<typeof zValidator>[2];

/** Validators in the order @hono/zod-openapi ran them: query, params, headers, then the body. */
export const validatorsFor = (route: RouteConfig, hook: ValidationHook): MiddlewareHandler[] => {
  const { query, params, headers, body } = route.request ?? {};
  const validators: MiddlewareHandler[] = [];
  if (query) validators.push(zValidator("query", query, hook));
  if (params) validators.push(zValidator("param", params, hook));
  if (headers) validators.push(zValidator("header", headers, hook));
  const json = body?.content["application/json"]?.schema;
  if (json) validators.push(zValidator("json", json, hook));
  return validators;
};
