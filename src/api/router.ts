import type { Context, MiddlewareHandler } from "hono";
import { errorResponse, errors, toIssues } from "../http/errors";
import { type RouteConfig, type RouteHandler, type ValidationHook, validatorsFor } from "./route";

const failed =
  (firstAsError: boolean): ValidationHook =>
  (result, c) => {
    if (result.success) return;
    const issues = toIssues(result.error.issues);
    const rootOnly = issues.length === 1 && issues[0]!.path === "" && result.target === "json";
    // One invalid field: its own message is the summary (it names the field and what is wrong).
    const error = rootOnly
      ? "Request body must be a JSON object"
      : firstAsError || issues.length === 1
        ? issues[0]!.message
        : "Validation failed";
    return errorResponse(c, errors.validationFailed(issues, error));
  };

// Zod failures become the contract's 400 with one issue per offending field.
const validationHook = failed(false);

/**
 * For the device endpoints, whose 400 messages Telemetron documents word for word: `error` is the
 * first issue's message (the schemas carry Telemetron's strings), `issues` lists them all.
 */
const telemetronMessages = failed(true);

/** What the app runs for one operation: the route's middleware, its validators, the handler. */
export type Chain = readonly MiddlewareHandler[];

/**
 * A resource's operations. `openapi(route, handler)` registers one; the app (src/app.ts) routes
 * requests to it through the operation table (src/api/operations.ts) and loads the router on the
 * first request that needs it, so a cold isolate builds no Zod schema it does not use.
 */
export class Router {
  readonly #hook: ValidationHook;
  readonly #chains = new Map<string, Chain>();
  readonly routes: RouteConfig[] = [];

  constructor(hook: ValidationHook) {
    this.#hook = hook;
  }

  /** Registers `route`: its middleware, then @hono/zod-validator for each request part, then `handler`. */
  openapi<const R extends RouteConfig>(route: R, handler: RouteHandler<R>): this {
    if (this.#chains.has(route.operationId)) throw new Error(`operation ${route.operationId} registered twice`);
    this.routes.push(route);
    this.#chains.set(route.operationId, [...(route.middleware ?? []), ...validatorsFor(route, this.#hook), handler as MiddlewareHandler]);
    return this;
  }

  chain(operationId: string): Chain {
    const chain = this.#chains.get(operationId);
    if (!chain) throw new Error(`no operation ${operationId}: run \`npm run openapi\` to rebuild src/api/operations.ts`);
    return chain;
  }
}

/**
 * Runs a chain on the app's own context, the way Hono's compose does: a returned response becomes
 * `c.res`, so middleware that works after `next()` (d1Session's bookmark header) sees it.
 */
export const runChain = async (chain: Chain, c: Context): Promise<Response> => {
  const dispatch = async (i: number): Promise<void> => {
    const step = chain[i];
    if (!step) return;
    const res = await step(c, () => dispatch(i + 1));
    if (res && !c.finalized) c.res = res;
  };
  await dispatch(0);
  return c.res;
};

/**
 * Every resource router validates the same way, so all of them are made here. The 400's `error` is
 * the issue's own message when one field is invalid, "Validation failed" when several are;
 * `telemetron`: the first issue's own message always.
 */
export const createRouter = (opts: { telemetron?: boolean } = {}) => new Router(opts.telemetron ? telemetronMessages : validationHook);
