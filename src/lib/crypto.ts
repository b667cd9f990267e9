const encoder = new TextEncoder();

/** Bytes as lower-case hex. */
export const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
  Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

export const sha256Hex = async (text: string): Promise<string> => toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));

/**
 * Compares two secrets without leaking where they differ: both are hashed first so the
 * inputs have equal length, then compared with the runtime's constant-time primitive.
 */
export const secretsEqual = async (a: string, b: string): Promise<boolean> => {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
};

/** Characters of the key shown to operators so they can tell keys apart (with the shard: `tik2_AbCdEfG`). */
export const API_KEY_DISPLAY_LENGTH = 12;

/**
 * A new API key: 32 random bytes, base64url, after a recognisable prefix for secret scanners that
 * also names the key's shard (`tik2_`; src/db/shards.ts's apiKeyPrefix).
 */
export const generateApiKey = (prefix: string): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const b64 = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return prefix + b64;
};
