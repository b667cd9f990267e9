/// <reference types="vite/client" />
// Vite (under vitest) reads files as text: `?raw` imports and import.meta.glob.
import { describe, expect, it } from "vitest";
import published from "../../docs/openapi.json";
import readme from "../../README.md?raw";
import { type ApiError, ERROR_CATALOGUE, ERROR_CODES, type ErrorCode, errors } from "../../src/http/errors";
import { createOrg } from "../support/orgs";
import { call } from "../support/http";

/** Every source module but the catalogue, as text: none may make an error by hand. */
const sources = import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true });

/** The README's "Error codes" table, row by row. */
const readmeCodes = () => {
  const section = readme.slice(readme.indexOf("### Error codes"));
  const table = section.slice(0, section.indexOf("\n###"));
  return [...table.matchAll(/^\| `(\w+)` \| (\d+) \| (.*) \|$/gm)].map(([, code, status, meaning]) => ({
    code,
    status: Number(status),
    meaning,
  }));
};

describe("the error catalogue", () => {
  it("is the only place an ApiError is constructed", () => {
    const modules = Object.entries(sources).filter(([path]) => !path.endsWith("/src/http/errors.ts"));
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.filter(([, text]) => text.includes("new ApiError(")).map(([path]) => path)).toEqual([]);
  });

  it("is listed in the README, code by code, with each status and meaning", () => {
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, { status, meaning }]) => ({ code, status, meaning }));
    expect(readmeCodes()).toEqual(catalogue);
  });

  it("is the enum of the OpenAPI Error schema's code, which every error body must carry", async () => {
    const doc: any = (await call("GET", "/openapi.json")).json;
    expect(doc.components.schemas.Error.properties.code.enum).toEqual(ERROR_CODES);
    expect(doc.components.schemas.Error.required).toEqual(expect.arrayContaining(["success", "error", "code"]));
  });
});

/** Stands for a factory's argument in its message: the message of `rateLimited(ARG)` is a pattern. */
const ARG = "\u0001arg\u0001";
const NUM = 987_654_321;
/** Arguments for the factories that take some (the rest take none). */
const ARGS: Partial<Record<keyof typeof errors, unknown[]>> = {
  unknownCategories: ["ticket", [{ path: ARG, name: ARG }]],
  tooManyMessages: [NUM, NUM],
  deviceNotAssigned: [{}],
  noRoute: [ARG, ARG],
  methodNotAllowed: [ARG, [ARG]],
  ticketChanged: [ARG],
  customerExists: [ARG],
  customerEmailTaken: [ARG],
  rateLimited: [NUM],
  tooManyWebhookEndpoints: [NUM],
  emailAddressTaken: [ARG],
  shardUnavailable: [NUM],
};
/** Factories whose message is their caller's (a validator's issue, Hono's text): checked by rule below. */
const PASSTHROUGH = new Set<string>(["validationFailed", "invalidField", "badRequest"]);

/** Per code, the messages its factories can produce, as patterns. */
const messagePatterns = (): Map<ErrorCode, RegExp[]> => {
  const patterns = new Map<ErrorCode, RegExp[]>();
  for (const [name, factory] of Object.entries(errors)) {
    if (PASSTHROUGH.has(name)) continue;
    const err = (factory as (...args: unknown[]) => ApiError)(...(ARGS[name as keyof typeof errors] ?? []));
    const source = err.message
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replaceAll(ARG, ".+")
      .replaceAll(String(NUM), "\\d+");
    patterns.set(err.code, [...(patterns.get(err.code) ?? []), new RegExp(`^${source}$`)]);
  }
  return patterns;
};

type Example = { where: string; status: number; example: { code: ErrorCode; error: string; issues?: { message: string }[] } };

/** Every error example of the published document, with where it is and the status it answers. */
const errorExamples = (): Example[] =>
  Object.entries(published.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, op]) =>
      Object.entries(op.responses ?? {})
        .filter(([status]) => Number(status) >= 400)
        .map(([status, response]: [string, any]) => ({
          where: `${method.toUpperCase()} ${path} ${status}`,
          status: Number(status),
          example: response.content?.["application/json"]?.example,
        }))
        // A response without an example (the docs route's) shows no body to check.
        .filter(({ example }) => example !== undefined),
    ),
  );

describe("the OpenAPI document's error examples", () => {
  it("each carry a catalogue code whose status is the response's", () => {
    const examples = errorExamples();
    expect(examples.length).toBeGreaterThan(50);
    const wrong = examples
      .filter(({ status, example }) => ERROR_CATALOGUE[example?.code]?.status !== status)
      .map(({ where, example }) => `${where}: ${example?.code}`);
    expect(wrong).toEqual([]);
  });

  it("each show the message the catalogue's factory for that code produces", () => {
    const patterns = messagePatterns();
    const wrong = errorExamples()
      .filter(({ example }) =>
        example.code === "validation_failed"
          ? // The validators' summary: "Validation failed", or the one offending field's own message.
            example.error !== "Validation failed" && example.error !== example.issues?.[0]?.message
          : !(patterns.get(example.code) ?? []).some((pattern) => pattern.test(example.error)),
      )
      .map(({ where, example }) => `${where}: ${example.code} "${example.error}"`);
    expect(wrong).toEqual([]);
  });
});

type Case = { name: string; request: (key: string) => Promise<{ status: number; json: any }>; code: ErrorCode };

const A = "/api/ext-v1";
const cases: Case[] = [
  { name: "an unknown path", request: () => call("GET", "/nope"), code: "not_found" },
  {
    name: "a known path with the wrong method",
    request: (key) => call("GET", `${A}/ticket/createTicket`, { key }),
    code: "method_not_allowed",
  },
  { name: "a request without an API key", request: () => call("GET", `${A}/ticket/listTickets`), code: "missing_api_key" },
  { name: "an unknown API key", request: () => call("GET", `${A}/ticket/listTickets`, { key: "tik_nobody" }), code: "invalid_api_key" },
  {
    name: "a field the schema refuses (the validator hook)",
    request: (key) =>
      call("POST", `${A}/ticket/createTicket`, { key, body: { title: "t", customerEmail: "a@example.com", priority: "x" } }),
    code: "validation_failed",
  },
  {
    name: "a field a handler refuses (a cursor that does not decode)",
    request: (key) => call("GET", `${A}/ticket/listTickets?cursor=nonsense`, { key }),
    code: "validation_failed",
  },
  {
    name: "malformed JSON",
    request: (key) => call("POST", `${A}/ticket/createTicket`, { key, rawBody: "{", headers: { "content-type": "application/json" } }),
    code: "invalid_json",
  },
  {
    name: "a form body",
    request: (key) =>
      call("POST", `${A}/ticket/createTicket`, { key, rawBody: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } }),
    code: "unsupported_media_type",
  },
  {
    name: "a body over the limit",
    request: (key) =>
      call("POST", `${A}/ticket/createTicket`, {
        key,
        body: { title: "t", customerEmail: "a@example.com", description: "x".repeat(1024 * 1024) },
      }),
    code: "payload_too_large",
  },
  {
    name: "an unknown ticket",
    request: (key) => call("GET", `${A}/ticket/getTicket/00000000-0000-7000-8000-000000000000`, { key }),
    code: "ticket_not_found",
  },
  {
    name: "an unknown customer",
    request: (key) => call("GET", `${A}/customer/getCustomer/00000000-0000-7000-8000-000000000000`, { key }),
    code: "customer_not_found",
  },
  {
    name: "a stale expectedUpdatedAt",
    request: async (key) => {
      const created = await call("POST", `${A}/ticket/createTicket`, { key, body: { title: "t", customerEmail: "a@example.com" } });
      const body = { ticketId: created.json.ticketId, status: "resolved", expectedUpdatedAt: "2000-01-01T00:00:00.000Z" };
      return call("POST", `${A}/ticket/updateTicket`, { key, body });
    },
    code: "ticket_changed",
  },
  {
    name: "an Idempotency-Key reused with another body",
    request: async (key) => {
      const headers = { "Idempotency-Key": "catalogue-1" };
      await call("POST", `${A}/ticket/createTicket`, { key, headers, body: { title: "one", customerEmail: "a@example.com" } });
      return call("POST", `${A}/ticket/createTicket`, { key, headers, body: { title: "two", customerEmail: "a@example.com" } });
    },
    code: "idempotency_mismatch",
  },
];

describe("every error body carries its catalogue code, with the catalogue's status", () => {
  it.each(cases)("$name: $code", async ({ request, code }) => {
    const org = await createOrg();
    const res = await request(org.apiKey);
    expect(res.json).toMatchObject({ success: false, error: expect.any(String), code });
    expect(res.status).toBe(ERROR_CATALOGUE[code].status);
  });
});

/** The error example the published document shows for an operation's status. */
const documented = (path: string, status: number): any =>
  (published.paths as any)[path].post.responses[status].content["application/json"].example;

describe("a documented 409 is the conflict its operation answers", () => {
  const createTicket = async (key: string) =>
    (await call("POST", `${A}/ticket/createTicket`, { key, body: { title: "t", customerEmail: "a@example.com" } })).json.ticketId;

  it("updateTicket's: a stale expectedUpdatedAt", async () => {
    const { apiKey: key } = await createOrg();
    const body = { ticketId: await createTicket(key), status: "resolved", expectedUpdatedAt: "2000-01-01T00:00:00.000Z" };
    const res = await call("POST", `${A}/ticket/updateTicket`, { key, body });
    expect(res.status).toBe(409);
    const { code, error } = documented(`${A}/ticket/updateTicket`, 409);
    expect(res.json).toMatchObject({ code, error });
  });

  it("retryNotification's: a ticket none of whose notifications failed", async () => {
    const { apiKey: key } = await createOrg();
    const res = await call("POST", `${A}/ticket/retryNotification`, { key, body: { ticketId: await createTicket(key) } });
    expect(res.status).toBe(409);
    expect(res.json).toEqual(documented(`${A}/ticket/retryNotification`, 409));
  });
});
