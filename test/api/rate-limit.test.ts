import { describe, expect, it } from "vitest";
import { admin, call } from "../support/http";
import { createOrg } from "../support/orgs";

const LIST = "/api/ext-v1/ticket/listTickets";

/** Fires requests with one key until the first 429 (or `max`), in parallel waves to stay fast. */
const exhaust = async (apiKey: string, max = 300) => {
  const statuses: number[] = [];
  let limited: Awaited<ReturnType<typeof call>> | undefined;
  while (!limited && statuses.length < max) {
    const wave = await Promise.all(Array.from({ length: 25 }, () => call("GET", LIST, { key: apiKey })));
    for (const res of wave) {
      statuses.push(res.status);
      if (res.status === 429 && !limited) limited = res;
    }
  }
  return { statuses, limited };
};

describe("rate limit per API key (100 requests / 10 s)", () => {
  it("answers 429 with retry-after and the contract's error body once a key spends its budget", async () => {
    const org = await createOrg();
    const { statuses, limited } = await exhaust(org.apiKey);
    expect(limited, "no 429 within 300 requests").toBeDefined();
    expect(limited!.json).toEqual({ success: false, error: expect.stringContaining("Rate limit"), code: "rate_limited" });
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited!.headers.get("x-request-id")).toBeTruthy();
    // The budget is at least the documented 100 (a window boundary during the test only adds to it).
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(100);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });

  it("one key's limit never touches another key, even of the same organization", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const rotated = await admin("POST", `/admin/organizations/${org.id}/api-keys`);
    const { limited } = await exhaust(org.apiKey);
    expect(limited).toBeDefined();
    expect((await call("GET", LIST, { key: other.apiKey })).status).toBe(200);
    expect((await call("GET", LIST, { key: rotated.json.apiKey })).status).toBe(200);
  });

  it("does not limit unauthenticated meta endpoints", async () => {
    const res = await Promise.all(Array.from({ length: 120 }, () => call("GET", "/health")));
    expect(res.every((r) => r.status === 200)).toBe(true);
  });
});
