const encoder = new TextEncoder();

const toHex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");

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

const API_KEY_PREFIX = "tik_";
/** Characters of the key shown to operators so they can tell keys apart. */
export const API_KEY_DISPLAY_LENGTH = 12;

/** A new API key: 32 random bytes, base64url, with a recognisable prefix for secret scanners. */
export const generateApiKey = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const b64 = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return API_KEY_PREFIX + b64;
};
