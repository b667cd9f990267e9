import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { D1_LIMITS } from "../support/d1-limits";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";

// The suite's D1 binding refuses what production D1 refuses (test/support/d1-limits.ts).
describe("the test suite's D1 enforces production limits", () => {
  const params = (n: number) => Array.from({ length: n }, (_, i) => i);
  const select = (n: number) =>
    `select ${params(n)
      .map(() => "?")
      .join(" + ")} as total`;

  it("100 bound parameters run; 101 throw, on their own and in a batch", async () => {
    expect(
      await env.DB.prepare(select(100))
        .bind(...params(100))
        .first("total"),
    ).toBe(4950);
    await expect(
      env.DB.prepare(select(101))
        .bind(...params(101))
        .first(),
    ).rejects.toThrow(/too many SQL variables/);
    await expect(env.DB.batch([env.DB.prepare("select 1"), env.DB.prepare(select(101)).bind(...params(101))])).rejects.toThrow(
      /too many SQL variables/,
    );
  });

  it("SQL text over 100 KB throws", async () => {
    const long = `select 1 ${"-- padding\n".repeat(D1_LIMITS.sqlBytes / 10)}`;
    await expect(env.DB.prepare(long).first()).rejects.toThrow(/statement too long/);
  });

  it("a bound string over 2 MB throws", async () => {
    await expect(
      env.DB.prepare("select length(?) as n")
        .bind("x".repeat(D1_LIMITS.valueBytes + 1))
        .first(),
    ).rejects.toThrow(/too big/);
  });

  it("a string over 2 MB produced by the query throws", async () => {
    await expect(env.DB.prepare("select hex(zeroblob(1000001)) as s").first()).rejects.toThrow(/too big/);
  });

  it("a result over 50 MB throws", async () => {
    const sql =
      "with recursive n(i) as (select 1 union all select i + 1 from n where i < 60) select i, hex(zeroblob(500000)) as blob from n";
    await expect(env.DB.prepare(sql).all()).rejects.toThrow(/result too large/);
  });

  it("sessions are held to the same limits", async () => {
    const session = env.DB.withSession("first-primary");
    await expect(
      session
        .prepare(select(101))
        .bind(...params(101))
        .first(),
    ).rejects.toThrow(/too many SQL variables/);
  });

  it("the worker under test runs on the limited binding", async () => {
    const org = await createOrg();
    const saved = D1_LIMITS.boundParameters;
    D1_LIMITS.boundParameters = 1; // every API statement binds more than one value
    try {
      const res = await call("GET", "/api/ext-v1/ticket/listTickets", { key: org.apiKey });
      expect(res.status).toBe(500);
    } finally {
      D1_LIMITS.boundParameters = saved;
    }
    expect((await call("GET", "/api/ext-v1/ticket/listTickets", { key: org.apiKey })).status).toBe(200);
  });
});
