import { exports } from "cloudflare:workers";
import type { paths } from "./openapi";

export const ADMIN_TOKEN = "test-admin-token";
const BASE = "https://ticket-intake.test";

type CallOptions = { body?: unknown; rawBody?: BodyInit; key?: string; headers?: Record<string, string> };

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Documented = keyof paths & string;

type Segments<P extends string> = P extends `${infer Head}/${infer Tail}` ? [Head, ...Segments<Tail>] : [P];
/** Segment by segment: a `{param}` of the template matches any one segment of the path. */
type Matches<Path extends string[], Template extends string[]> = Path extends [infer P, ...infer PRest extends string[]]
  ? Template extends [infer T, ...infer TRest extends string[]]
    ? (T extends `{${string}}` ? true : P extends T ? true : false) extends true
      ? Matches<PRest, TRest>
      : false
    : false
  : Template extends []
    ? true
    : false;
/** Which documented path a concrete one is (the query string aside); never for an undocumented one. */
type TemplateOf<P extends string> = P extends `${infer Path}?${string}`
  ? TemplateOf<Path>
  : { [T in Documented]: Matches<Segments<P>, Segments<T>> extends true ? T : never }[Documented];

type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Responses<T extends Documented, M extends Method> = paths[T][Lowercase<M>] extends { responses: infer R } ? R : never;
type Success<T extends Documented, M extends Method> =
  | JsonOf<Responses<T, M>[200 & keyof Responses<T, M>]>
  | JsonOf<Responses<T, M>[201 & keyof Responses<T, M>]>;
type ErrorBody = paths["/api/ext-v1/ticket/createTicket"]["post"]["responses"][400]["content"]["application/json"];

/**
 * The JSON a test reads from a documented operation: the success body's fields as the OpenAPI
 * document (docs/openapi.json → openapi-typescript) declares them, plus the error body's fields for
 * the 4xx answers. A test that reads a field the API does not document no longer compiles.
 * Undocumented paths (and the `any` fallback) stay untyped.
 */
export type ApiJson<P extends string, M extends Method> = [TemplateOf<P>] extends [never]
  ? any
  : unknown extends Success<TemplateOf<P>, M>
    ? any
    : Omit<Success<TemplateOf<P>, M>, "success"> & Partial<Omit<ErrorBody, "success">> & { success: boolean };

/** A JSON POST with an API key, as a client sends it; for tests that hand the request to the worker themselves (fetchWithEnv). */
export const jsonPost = (path: string, apiKey: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(BASE + path, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** A request to the worker's own fetch handler, as a client would send it. */
export const call = async <M extends Method, P extends string>(method: M, path: P, opts: CallOptions = {}) => {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== undefined) headers["x-api-key"] = opts.key;
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await exports.default.fetch(new Request(BASE + path, { method, headers, body }));
  const text = await res.text();
  let json: ApiJson<P, M> | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json: json as ApiJson<P, M>, text };
};

export const admin = <M extends Method, P extends string>(method: M, path: P, body?: unknown) =>
  call(method, path, { body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
