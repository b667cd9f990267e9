import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1, fetchWithEnv } from "../support/counting";
import { RATE_LIMITS } from "../../src/http/limits";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";

const AUTH_FAILURE_PERIOD_SECONDS = RATE_LIMITS.AUTH_FAILURE_LIMITER.period;

let ipCounter = 0;
/** A fresh client address per test: blocks are remembered per isolate, and the file shares one. */
const freshIp = () => `203.0.113.${++ipCounter}`;

const list = (key: string, ip: string) =>
  new Request("https://ticket-intake.test/api/ext-v1/ticket/listTickets", { headers: { "x-api-key": key, "cf-connecting-ip": ip } });

const randomKey = () => `tik_${crypto.randomUUID().replaceAll("-", "")}`;

/**
 * The rate limiter counts in fixed windows aligned to the wall clock (60 s here), as production's
 * does: a flood that straddles a boundary gets two budgets. Tests that count start early in a window.
 */
const startOfAWindow = async () => {
  const into = Date.now() % (AUTH_FAILURE_PERIOD_SECONDS * 1000);
  if (into > 45_000) await new Promise((r) => setTimeout(r, AUTH_FAILURE_PERIOD_SECONDS * 1000 - into + 50));
};

describe("floods of bogus keys", () => {
  it("of 300 requests with random keys from one IP, about 100 reach D1; the rest are 429 with retry-after", {
    timeout: 40_000,
  }, async () => {
    await startOfAWindow();
    const ip = freshIp();
    // Each shard's schema is checked once per isolate (src/db/shard-schema.ts): done here, not counted below.
    await call("GET", "/health");
    const d1 = countingD1(env.DB);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 300; i++) {
      const res = await fetchWithEnv(list(randomKey(), ip), { DB: d1.binding });
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get("retry-after");
    }
    expect(d1.counts.roundTrips).toBeLessThanOrEqual(101);
    expect(d1.counts.roundTrips).toBeGreaterThanOrEqual(100);
    expect(statuses.filter((s) => s === 401)).toHaveLength(d1.counts.roundTrips);
    expect(statuses.filter((s) => s === 429)).toHaveLength(300 - d1.counts.roundTrips);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("other IPs are not affected", { timeout: 40_000 }, async () => {
    await startOfAWindow();
    const flooder = freshIp();
    for (let i = 0; i < 110; i++) await fetchWithEnv(list(randomKey(), flooder), {});
    expect((await fetchWithEnv(list(randomKey(), flooder), {})).status).toBe(429);
    expect((await fetchWithEnv(list(randomKey(), freshIp()), {})).status).toBe(401);
    const org = await createOrg();
    expect((await fetchWithEnv(list(org.apiKey, freshIp()), {})).status).toBe(200);
  });

  it("a client whose keys authenticate is never limited by it, however many it sends from one IP", async () => {
    const ip = freshIp();
    const orgs = await Promise.all(Array.from({ length: 3 }, () => createOrg()));
    for (let i = 0; i < 150; i++) {
      expect((await fetchWithEnv(list(orgs[i % 3]!.apiKey, ip), {})).status).toBe(200);
    }
  });

  it("a key that authenticated keeps working from an IP that a flood got blocked", { timeout: 40_000 }, async () => {
    await startOfAWindow();
    const ip = freshIp();
    const org = await createOrg();
    expect((await fetchWithEnv(list(org.apiKey, ip), {})).status).toBe(200);
    for (let i = 0; i < 110; i++) await fetchWithEnv(list(randomKey(), ip), {});
    expect((await fetchWithEnv(list(randomKey(), ip), {})).status).toBe(429);
    expect((await fetchWithEnv(list(org.apiKey, ip), {})).status).toBe(200);
  });
});
