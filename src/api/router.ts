import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { errorResponse, errors, toIssues } from "../http/errors";

type ValidationHook = Hook<unknown, AppEnv, string, unknown>;

const failed =
  (firstAsError: boolean): ValidationHook =>
  (result, c) => {
    if (result.success) return;
    const issues = toIssues(result.error.issues);
    const rootOnly = issues.length === 1 && issues[0]!.path === "" && result.target === "json";
    const error = rootOnly ? "Request body must be a JSON object" : firstAsError ? issues[0]!.message : "Validation failed";
    return errorResponse(c, errors.validationFailed(issues, error));
  };

// Zod failures become the contract's 400 with one issue per offending field.
const validationHook = failed(false);

/**
 * For the device endpoints, whose 400 messages Telemetron documents word for word: `error` is the
 * first issue's message (the schemas carry Telemetron's strings), `issues` lists them all.
 */
const telemetronMessages = failed(true);

/**
 * Every resource router validates the same way, so all of them are made here. `telemetron`: the
 * 400's `error` is the first issue's own message rather than "Validation failed".
 */
export const createRouter = (opts: { telemetron?: boolean } = {}) =>
  new OpenAPIHono<AppEnv>({ defaultHook: opts.telemetron ? telemetronMessages : validationHook });
