import { exports } from "cloudflare:workers";

export const ADMIN_TOKEN = "test-admin-token";
const BASE = "https://ticket-intake.test";

type CallOptions = { body?: unknown; rawBody?: BodyInit; key?: string; headers?: Record<string, string> };

/** A request to the worker's own fetch handler, as a client would send it. */
export const call = async (method: string, path: string, opts: CallOptions = {}) => {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== undefined) headers["x-api-key"] = opts.key;
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await exports.default.fetch(new Request(BASE + path, { method, headers, body }));
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
};

export const admin = (method: string, path: string, body?: unknown) =>
  call(method, path, { body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
