import type { Context } from "hono";
import { errorResponse, errors } from "./errors";

// application/json, any +json type, with or without parameters such as charset.
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const TEXT_PLAIN = /^text\/plain\s*(;|$)/i;

/**
 * Telemetron documents no 415, so its clients may send JSON without a Content-Type, or as
 * text/plain (what fetch() sets for a string body): on its paths such bodies are read as JSON.
 */
const TELEMETRON_PATHS = "/api/ext-v1/";

const hasBody = (headers: Headers) => headers.has("transfer-encoding") || Number(headers.get("content-length") ?? "0") > 0;

const isWrite = (method: string) => method === "POST" || method === "PUT" || method === "PATCH";

/**
 * Bodies must be JSON: a clearly different type (a form, multipart) is a 415 before any handler
 * or validator runs. On Telemetron's paths a missing type or text/plain is taken as JSON: the
 * request is re-labelled, so the validators parse it like any JSON body (malformed is a 400).
 * Returns the 415, or nothing when the request may go on; run by ./request-checks.ts.
 */
export const refuseNonJson = (c: Context): Response | undefined => {
  if (!isWrite(c.req.method)) return undefined;
  const type = c.req.header("content-type");
  if (c.req.path.startsWith(TELEMETRON_PATHS) && (type === undefined || TEXT_PLAIN.test(type))) {
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    c.req.raw = new Request(c.req.raw, { headers });
  } else if ((type !== undefined || hasBody(c.req.raw.headers)) && !JSON_TYPE.test(type ?? "")) {
    return errorResponse(c, errors.unsupportedMediaType());
  }
  return undefined;
};
