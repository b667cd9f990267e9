import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { call } from "../support/http";
import { createOrg, type TestOrg } from "../support/orgs";
import { CREATE, getTicket, rowsOn } from "../support/tickets";
import { expectContractAnswer } from "./contract";

// A fixed seed keeps CI stable; change it locally to explore new cases (a failure prints
// the seed and path to replay it).
const RUNS = { seed: 20261125, numRuns: 60 };

const FIELDS = ["title", "description", "priority", "customerEmail", "customerId", "category", "messages"] as const;

const SQLISH = [
  "'; DROP TABLE tickets; --",
  "Robert'); DELETE FROM customers WHERE ('1'='1",
  '" OR 1=1 --',
  "x' UNION SELECT key_hash FROM api_keys --",
  "%' AND json_extract(null, '$') --",
];

const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty"];

/** Strings a caller might send: unicode (lone surrogates included), SQL, huge, blank. */
const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.constantFrom(...SQLISH, "", "   ", "\u0000", "\u202e\u0645\u0631\u062d\u0628\u0627", "👩‍👩‍👧‍👦".repeat(80)),
  fc.integer({ min: 256, max: 60_000 }).map((n) => "é".repeat(n)),
);

/** Any JSON-able value, with prototype-ish keys and some depth. */
const hostileValue = fc.anything({
  maxDepth: 4,
  maxKeys: 6,
  key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...PROTO_KEYS, ...FIELDS)),
  values: [nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)],
});

const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

const emailArb = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?$/),
    fc.stringMatching(/^[a-z0-9]{1,12}$/),
    fc.constantFrom("com", "org", "io", "co.uk"),
  )
  .filter(([local]) => !local.includes(".."))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** Text that is valid where text is asked for: any unicode, SQL-looking text included. */
const text = (max: number) =>
  fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: max }), fc.constantFrom(...SQLISH)).filter((s) => s.trim().length > 0);

const validBody = fc.record(
  {
    title: text(200),
    description: fc.option(text(2_000), { nil: undefined }),
    priority: fc.constantFrom("low", "medium", "high", "urgent"),
    customerEmail: emailArb,
    category: fc.option(text(50), { nil: undefined }),
    messages: fc.option(fc.array(fc.record({ role: fc.constantFrom("customer", "agent", "bot"), content: text(500) }), { maxLength: 5 }), {
      nil: undefined,
    }),
  },
  { requiredKeys: ["title", "priority", "customerEmail"] },
);

const post = (org: TestOrg, rawBody: string, headers: Record<string, string> = {}) =>
  call("POST", CREATE, { key: org.apiKey, rawBody, headers: { "content-type": "application/json", ...headers } });

/** A created ticket must be readable, and the row in D1 must be the one the caller was told about. */
const expectStored = async (org: TestOrg, ticketId: string) => {
  const got = await getTicket(org.apiKey, ticketId);
  expect(got.status, got.text).toBe(200);
  return got.json.ticket;
};

describe("createTicket under property-based fuzzing", () => {
  let org: TestOrg;

  beforeEach(async () => {
    org = await createOrg();
    // Hundreds of requests per key by design; the limiter has its own tests and would only cap the runs.
    vi.spyOn(env.RATE_LIMITER!, "limit").mockResolvedValue({ success: true });
  });

  it("answers any JSON body within the contract, never with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, async (value) => {
        const res = await post(org, JSON.stringify(value) ?? "null");
        expectContractAnswer(res, value);
        if (res.status === 200) await expectStored(org, res.json.ticketId);
      }),
      RUNS,
    );
  });

  it("rejects one bad field in an otherwise valid body with a 400 naming that field", async () => {
    const badValue = fc.oneof(
      hostileValue,
      nastyString,
      fc.constant(deepArray(50)).map((s) => JSON.parse(s)),
    );
    await fc.assert(
      fc.asyncProperty(validBody, fc.constantFrom(...FIELDS), badValue, async (body, field, value) => {
        const sent = { ...body, [field]: value };
        const res = await post(org, JSON.stringify(sent));
        expectContractAnswer(res, sent);
        if (res.status === 400) {
          const paths: string[] = (res.json.issues ?? []).map((i: { path: string }) => i.path);
          // Either the field itself, or the email/id rule when the bad value removed the customer.
          expect(
            paths.some((p) => p === field || p.startsWith(`${field}.`) || p === "customerEmail"),
            JSON.stringify(res.json),
          ).toBe(true);
        } else if (res.status === 200) {
          // The replacement happened to be valid (e.g. a string description): then it is stored.
          await expectStored(org, res.json.ticketId);
        } else {
          // customerId that names no customer of this organization.
          expect([404], `${res.status} ${res.text}`).toContain(res.status);
          expect(field).toBe("customerId");
        }
      }),
      RUNS,
    );
  });

  it("stores every valid body exactly as given, unicode and SQL-looking text included", async () => {
    await fc.assert(
      fc.asyncProperty(validBody, async (body) => {
        const res = await post(org, JSON.stringify(body));
        expect(res.status, `${res.text} for ${JSON.stringify(body)}`).toBe(200);
        expect(res.json).toEqual({ success: true, ticketId: expect.any(String), message: "Ticket created successfully" });
        const ticket = await expectStored(org, res.json.ticketId);
        expect(ticket.title).toBe(body.title.trim());
        expect(ticket.priority).toBe(body.priority);
        expect(ticket.customer.email.toLowerCase()).toBe(body.customerEmail.toLowerCase());
        expect(ticket.messages).toEqual(body.messages ?? []);
        if (body.description !== undefined) expect(ticket.description).toBe(body.description);
      }),
      { ...RUNS, numRuns: 40 },
    );
    // The SQL-looking text went in as data: the tables are all still there, on the organization's shard.
    const tables = await rowsOn<{ name: string }>(
      org.shard,
      "select name from sqlite_master where type = 'table' and name in ('tickets', 'customers', 'api_keys')",
    );
    expect(tables).toHaveLength(3);
  });

  it("answers any body text that is not JSON with a 400", async () => {
    const notJson = fc.string({ unit: "binary", maxLength: 200 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(notJson, async (raw) => {
        const res = await post(org, raw);
        expectContractAnswer(res, raw);
        expect(res.status).toBe(400);
      }),
      RUNS,
    );
  });

  it("answers random header values within the contract", async () => {
    // Printable ASCII: CR/LF cannot be sent at all, and the runtime warns on every non-ASCII value
    // (it reaches the worker as UTF-8 bytes, which the ASCII-only validators reject the same way).
    const headerValue = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
      fc.constantFrom("", " ", ...SQLISH, "Bearer", "Bearer ", "application/json; charset=utf-16", "text/plain", "application/x+json"),
    );
    // Mostly the real key and a JSON type, so the request gets past the gates to the headers behind them.
    const headers = fc.record(
      {
        "x-api-key": fc.oneof({ weight: 3, arbitrary: fc.constant(org.apiKey) }, { weight: 1, arbitrary: headerValue }),
        authorization: headerValue,
        "content-type": fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "application/problem+json") },
          { weight: 1, arbitrary: headerValue },
        ),
        "idempotency-key": headerValue,
        "x-request-id": headerValue,
        "x-d1-bookmark": headerValue,
      },
      { requiredKeys: ["x-api-key", "content-type"] },
    );
    await fc.assert(
      fc.asyncProperty(headers, validBody, async (h, body) => {
        const res = await call("POST", CREATE, { rawBody: JSON.stringify(body), headers: h });
        expectContractAnswer(res, h);
        if (res.status === 200) await expectStored(org, res.json.ticketId);
      }),
      RUNS,
    );
  });

  it("survives deeply nested and oversized bodies", async () => {
    const cases = [
      deepArray(10_000),
      deepObject(10_000),
      JSON.stringify({ title: "deep", customerEmail: "deep@example.com", messages: JSON.parse(deepArray(5_000)) }),
      JSON.stringify({ title: "deep", customerEmail: "deep@example.com", description: JSON.parse(deepObject(5_000)) }),
      JSON.stringify({ title: "x".repeat(300_000), customerEmail: "big@example.com" }),
      JSON.stringify({
        title: "many",
        customerEmail: "many@example.com",
        messages: Array.from({ length: 5_000 }, () => ({ role: "bot", content: "hi" })),
      }),
      JSON.stringify({ title: "huge", customerEmail: "huge@example.com", description: "y".repeat(1_100_000) }),
    ];
    for (const raw of cases) {
      const res = await post(org, raw);
      expectContractAnswer(res, raw.slice(0, 80));
      expect([400, 413], `${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
    }
  });
});
