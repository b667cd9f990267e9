import { secretBytes } from "./secrets";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/, "Signature scheme"):
 * `v1,` + base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the
 * secret's bytes; several signatures are space-separated (both secrets during a rotation).
 *
 * Signed with WebCrypto rather than the `standardwebhooks` package: the package's Webhook class
 * computes HMAC in JavaScript (fast-sha256) and pulls in its base64 helpers, while the runtime's
 * native HMAC is a few lines, costs no bundle size and no CPU-bound JS per delivery. The tests
 * verify every delivery with the package's `Webhook.verify`, so the two cannot drift apart.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

const hmacKey = (secret: string): Promise<CryptoKey> => {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    // A consumer invocation signs for a few endpoints; keep the cache from growing without bound.
    if (hmacKeys.size > 100) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  return key;
};

export const signPayload = async (secrets: string[], id: string, timestamp: number, body: string): Promise<string> => {
  const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), content));
      return `v1,${btoa(String.fromCharCode(...mac))}`;
    }),
  );
  return signatures.join(" ");
};
