import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "../../src/http/limits";
import { fetchWithEnv } from "../support/counting";
import { createOrg } from "../support/orgs";

describe("wrangler.toml and the code agree", () => {
  it("the rate limits the worker documents and puts in retry-after are wrangler.toml's", () => {
    const configured = Object.fromEntries(env.TEST_WRANGLER_RATELIMITS.map(({ name, simple }) => [name, simple]));
    expect(configured).toEqual(RATE_LIMITS);
  });
});

describe("a deploy without its rate limiters fails loudly", () => {
  const list = (key: string) =>
    new Request("https://ticket-intake.test/api/ext-v1/ticket/listTickets", {
      headers: { "x-api-key": key, "cf-connecting-ip": "192.0.2.1" },
    });

  for (const name of ["RATE_LIMITER", "AUTH_FAILURE_LIMITER"] as const) {
    it(`without ${name}, requests get 500 instead of running unlimited`, async () => {
      const org = await createOrg();
      const res = await fetchWithEnv(list(org.apiKey), { [name]: undefined });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ success: false, error: "Internal server error", code: "internal_error" });
    });
  }
});
