import * as z from "zod";
import { describe, expect, it } from "vitest";
import { createTicketBody } from "../../src/api/tickets/schemas";

describe("the module graph wrangler bundles", () => {
  it("has Zod's English locale only (wrangler.toml [alias], mirrored in vitest.config.ts)", () => {
    expect(Object.keys(z.locales)).toEqual(["en"]);
    expect(Object.keys(z.core.locales)).toEqual(["en"]);
  });

  it("still gives Zod's English messages", () => {
    const result = createTicketBody.safeParse({ title: 1, customerEmail: "a@example.com" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Invalid input: expected string, received number");
  });
});
