import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { errorBody, toIssues } from "../http/errors";
import { honoPath, type RouteConfig, type RouteHandler, type ValidationHook, validatorsFor } from "./route";

const failed =
  (firstAsError: boolean): ValidationHook =>
  (result, c) => {
    if (result.success) return;
    const issues = toIssues(result.error.issues);
    const rootOnly = issues.length === 1 && issues[0]!.path === "" && result.target === "json";
    const error = rootOnly ? "Request body must be a JSON object" : firstAsError ? issues[0]!.message : "Validation failed";
    return c.json(errorBody(error, issues), 400);
  };

// Zod failures become the contract's 400 with one issue per offending field.
const validationHook = failed(false);

/**
 * For the device endpoints, whose 400 messages Telemetron documents word for word: `error` is the
 * first issue's message (the schemas carry Telemetron's strings), `issues` lists them all.
 */
const telemetronMessages = failed(true);

/** A resource's routes: plain Hono, plus `openapi(route, handler)`, which registers one documented operation. */
export class Router extends Hono<AppEnv> {
  readonly #hook: ValidationHook;

  constructor(hook: ValidationHook) {
    super();
    this.#hook = hook;
  }

  /** Registers `route` (its middleware, then @hono/zod-validator for each request part, then `handler`). */
  openapi<const R extends RouteConfig>(route: R, handler: RouteHandler<R>): this {
    const handlers = [...(route.middleware ?? []), ...validatorsFor(route, this.#hook), handler] as MiddlewareHandler[];
    this.on(route.method.toUpperCase(), [honoPath(route.path)], ...(handlers as [MiddlewareHandler]));
    return this;
  }
}

/**
 * Every resource router validates the same way, so all of them are made here. `telemetron`: the
 * 400's `error` is the first issue's own message rather than "Validation failed".
 */
export const createRouter = (opts: { telemetron?: boolean } = {}) => new Router(opts.telemetron ? telemetronMessages : validationHook);
