import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { errorBody, toIssues } from "../http/errors";

// Zod failures become the contract's 400 with one issue per offending field.
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = toIssues(result.error.issues);
  const rootOnly = issues.length === 1 && issues[0]!.path === "" && result.target === "json";
  return c.json(errorBody(rootOnly ? "Request body must be a JSON object" : "Validation failed", issues), 400);
};

/** Every resource router validates the same way, so all of them are made here. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
