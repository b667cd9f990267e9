import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import published from "../../docs/openapi.json";
import type { ErrorCode } from "../../src/http/errors";
import { capturingQueue, countingD1, createUndispatched, fetchWithEnv } from "./counting";
import { SHARDS, withShardDb } from "./shards";
import { admin, call } from "./http";
import { createOrg, type TestOrg } from "./orgs";

const BASE = "https://ticket-intake.test";
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export type Operation = { operationId: string; method: Uppercase<(typeof METHODS)[number]>; path: string };

/**
 * Every operation of the published document under `prefix`. docs/openapi.json is checked against
 * the running routes (test/api/openapi.test.ts, test/api/typed-client.test.ts), so registering a
 * route is what puts it here.
 */
export const documentedOperations = (prefix: string): Operation[] =>
  Object.entries(published.paths as Record<string, Record<string, { operationId: string }>>)
    .filter(([path]) => path.startsWith(prefix))
    .flatMap(([path, item]) =>
      METHODS.filter((m) => m in item).map((m) => ({
        operationId: item[m]!.operationId,
        method: m.toUpperCase() as Operation["method"],
        path,
      })),
    );

/** The error body the published document shows for `op` at `status`. */
const documentedError = (op: Operation, status: number): unknown =>
  (published.paths as any)[op.path][op.method.toLowerCase()].responses[status]?.content["application/json"].example;

/** An organization holding one of each thing an operation can name: a ticket, its customer, an assigned device. */
export type RouteFixture = { org: TestOrg; ticketId: string; customerId: string; customerEmail: string; deviceIdentifier: string };

export const createRouteFixture = async (): Promise<RouteFixture> => {
  const org = await createOrg();
  const customerEmail = "owner@example.com";
  const deviceIdentifier = "SN-FIXTURE";
  // The queue is captured: no consumer works on the ticket while a test runs.
  const created = await createUndispatched(org.apiKey, { title: "Fixture", customerEmail });
  const customer = await call("POST", "/api/ext-v1/customer/queryCustomer", { key: org.apiKey, body: { email: customerEmail } });
  const assigned = await call("POST", "/api/ext-v1/deviceAssignment/assignDevicesToOwner", {
    key: org.apiKey,
    body: { customerEmail, deviceIdentifiers: [deviceIdentifier], autoCreateDevices: true, deviceType: "sensor" },
  });
  if (created.status !== 200 || customer.status !== 200 || assigned.status !== 200) {
    throw new Error(`fixture failed: ${created.status} ${customer.status} ${assigned.status}`);
  }
  return { org, ticketId: created.json.ticketId, customerId: customer.json.id, customerEmail, deviceIdentifier };
};

/** What a request fills in: the template's `{params}`, a query string, a JSON body. */
export type RequestSpec = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };

/** The answer to a request naming another organization's things: its own "not found", or a success that shows none of them. */
export type ForeignAnswer = { status: number; code: ErrorCode } | { status: 200; unseen: (json: any) => unknown[] };

export type OperationRequests = {
  /** Succeeds for the fixture's own organization. */
  valid: (f: RouteFixture) => RequestSpec;
  /** Names the fixture's things; sent with another organization's key. */
  foreign: (f: RouteFixture) => { request: RequestSpec; answer: ForeignAnswer };
  /** State the valid request needs beyond the fixture. */
  prepare?: (f: RouteFixture) => Promise<void>;
};

export const buildRequest = (op: Operation, spec: RequestSpec, key: string | undefined) => {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = spec.params?.[name];
    if (value === undefined) throw new Error(`${op.operationId}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const query = spec.query ? `?${new URLSearchParams(spec.query)}` : "";
  const headers: Record<string, string> = key === undefined ? {} : { "x-api-key": key };
  if (spec.body !== undefined) headers["content-type"] = "application/json";
  return new Request(BASE + path + query, {
    method: op.method,
    headers,
    body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
  });
};

const send = async (op: Operation, spec: RequestSpec, key: string | undefined, overrides: Partial<Cloudflare.Env> = {}) => {
  // Queue sends are captured: a success's jobs (and webhook messages) never reach a consumer during the test.
  const queue = capturingQueue(env.JOBS);
  const webhooks = capturingQueue(env.WEBHOOKS);
  const res = await fetchWithEnv(buildRequest(op, spec, key), { JOBS: queue.binding, WEBHOOKS: webhooks.binding, ...overrides });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
};

/** A second key of the organization, revoked through the operator API. */
const revokedKey = async (org: TestOrg) => {
  const created = await admin("POST", `/admin/organizations/${org.id}/api-keys`, { label: "revoked" });
  const revoked = await admin("DELETE", `/admin/organizations/${org.id}/api-keys/${created.json.id}`);
  if (created.status !== 201 || revoked.status !== 204) throw new Error(`revoking a key failed: ${created.status} ${revoked.status}`);
  return created.json.apiKey as string;
};

const entryFor = (op: Operation, requests: Partial<Record<string, OperationRequests>>) => {
  const entry = requests[op.operationId];
  if (!entry) throw new Error(`${op.operationId} has no entry in the common route tests' request table`);
  return entry;
};

/**
 * The checks every organization operation must pass, one `it` per (operation, check), as unkey's
 * runCommonRouteTests: 401 without a key and with a revoked one, another organization's things
 * are not found (or not shown), and a successful call costs one D1 round trip, authentication
 * included. `requests` gives each operation a valid request; one lacking an entry fails here.
 */
export const runCommonRouteTests = (operations: Operation[], requests: Partial<Record<string, OperationRequests>>) => {
  describe.each(operations)("$operationId ($method $path)", (op) => {
    it("is 401 without an API key", async () => {
      const f = await createRouteFixture();
      const res = await send(op, entryFor(op, requests).valid(f), undefined);
      expect(res.status, res.text).toBe(401);
      expect(res.json.code).toBe("missing_api_key");
    });

    it("is 401 with a revoked API key", async () => {
      const f = await createRouteFixture();
      const res = await send(op, entryFor(op, requests).valid(f), await revokedKey(f.org));
      expect(res.status, res.text).toBe(401);
      expect(res.json.code).toBe("invalid_api_key");
    });

    // Isolation holds whether the other organization shares the fixture's database or not.
    it.each(["on the same shard", "on another shard"] as const)("does not find another organization's things, %s", async (where) => {
      const f = await createRouteFixture();
      const intruder = await createOrg({ shard: where === "on the same shard" ? f.org.shard : (f.org.shard + 1) % SHARDS });
      expect(intruder.shard === f.org.shard).toBe(where === "on the same shard");
      // The things the foreign request names must exist (an endpoint the fixture does not hold, say).
      await entryFor(op, requests).prepare?.(f);
      const { request, answer } = entryFor(op, requests).foreign(f);
      const res = await send(op, request, intruder.apiKey);
      expect(res.status, res.text).toBe(answer.status);
      if ("code" in answer) expect(res.json.code).toBe(answer.code);
      else expect(answer.unseen(res.json)).toEqual([]);
    });

    it("answers a 404 with the body its document shows", async () => {
      const f = await createRouteFixture();
      const intruder = await createOrg();
      await entryFor(op, requests).prepare?.(f);
      const { request, answer } = entryFor(op, requests).foreign(f);
      // An operation whose foreign ids are no 404 (a list, a skip) documents none to compare.
      if (answer.status !== 404) return expect(documentedError(op, 404)).toBeUndefined();
      const res = await send(op, request, intruder.apiKey);
      expect(res.status, res.text).toBe(404);
      expect(res.json).toEqual(documentedError(op, 404));
    });

    it("costs one D1 round trip on success, authentication included", async () => {
      const f = await createRouteFixture();
      const entry = entryFor(op, requests);
      await entry.prepare?.(f);
      const d1 = countingD1(f.org.db);
      const res = await send(op, entry.valid(f), f.org.apiKey, withShardDb(f.org.shard, d1.binding));
      expect(res.status, res.text).toBe(200);
      expect(d1.counts.roundTrips).toBe(1);
    });
  });
};
