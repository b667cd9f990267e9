import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./errors";

// application/json, any +json type, with or without parameters such as charset.
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

const hasBody = (headers: Headers) =>
  headers.has("transfer-encoding") || Number(headers.get("content-length") ?? "0") > 0;

/** Bodies must be JSON: anything else is a 415 before any handler or validator runs. */
export const jsonOnly = (): MiddlewareHandler => async (c, next) => {
  if (c.req.method === "POST" || c.req.method === "PUT" || c.req.method === "PATCH") {
    const type = c.req.header("content-type");
    if ((type !== undefined || hasBody(c.req.raw.headers)) && !JSON_TYPE.test(type ?? "")) {
      return errorResponse(c, 415, "Content-Type must be application/json");
    }
  }
  await next();
};
