import { describe, expect, it } from "vitest";
import { keyDigest, keyDigests, MAX_KEY_DIGESTS } from "../../src/http/auth";
import { sha256Hex } from "../../src/lib/crypto";

describe("API key digests", () => {
  it("are the key's SHA-256, remembered for the next request", async () => {
    const key = `tik_digest-${crypto.randomUUID()}`;
    expect(await keyDigest(key)).toBe(await sha256Hex(key));
    expect(keyDigests.get(key)).toBe(await sha256Hex(key));
  });

  it("are remembered for a bounded number of keys, the oldest forgotten first", async () => {
    const first = `tik_first-${crypto.randomUUID()}`;
    await keyDigest(first);
    for (let i = 0; i < MAX_KEY_DIGESTS; i++) await keyDigest(`tik_flood-${i}-${crypto.randomUUID()}`);
    expect(keyDigests.size).toBe(MAX_KEY_DIGESTS);
    expect(keyDigests.has(first)).toBe(false);
  });
});
