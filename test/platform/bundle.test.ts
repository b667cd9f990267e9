import * as z from "zod";
import { describe, expect, it } from "vitest";

describe("the module graph wrangler bundles", () => {
  it("has Zod's English locale only (wrangler.toml [alias], mirrored in vitest.config.ts)", () => {
    expect(Object.keys(z.locales)).toEqual(["en"]);
    expect(Object.keys(z.core.locales)).toEqual(["en"]);
  });

  it("still gives Zod's English messages", () => {
    // No path, so the API's field-naming messages (src/api/common.ts) leave it to Zod's locale.
    const result = z.string().safeParse(1);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Invalid input: expected string, received number");
  });
});
