/**
 * Webhook signing secrets. A secret is `whsec_` + base64 of 32 random bytes (the Standard Webhooks
 * format every receiver library reads). The worker must sign with it, so unlike an API key it
 * cannot be kept only as a digest; it is stored AES-256-GCM encrypted under the worker secret
 * WEBHOOK_SECRET_KEY (base64 of 32 bytes; `wrangler secret put WEBHOOK_SECRET_KEY`), so a copy of
 * the database, a backup or the D1 console shows no usable secret. Never logged.
 */
const PREFIX = "whsec_";
const STORED_VERSION = "v1";

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export const newWebhookSecret = (): string => PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));

/** The secret's key bytes (what HMAC signs with): the base64 after `whsec_`. */
export const secretBytes = (secret: string): Uint8Array => fromBase64(secret.slice(PREFIX.length));

const keys = new Map<string, Promise<CryptoKey>>();

const encryptionKey = (raw: string | undefined): Promise<CryptoKey> => {
  if (!raw) throw new Error("WEBHOOK_SECRET_KEY is not set: webhook secrets cannot be stored or used");
  let key = keys.get(raw);
  if (!key) {
    const bytes = fromBase64(raw);
    if (bytes.length !== 32) throw new Error("WEBHOOK_SECRET_KEY must be base64 of 32 bytes");
    key = crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(raw, key);
  }
  return key;
};

/** `v1.<base64 iv>.<base64 ciphertext+tag>`; the endpoint id is the additional data, so a secret cannot be moved to another endpoint's row. */
export const sealSecret = async (secret: string, endpointId: string, keyB64: string | undefined): Promise<string> => {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(endpointId) },
    await encryptionKey(keyB64),
    new TextEncoder().encode(secret),
  );
  return `${STORED_VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
};

export const openSecret = async (stored: string, endpointId: string, keyB64: string | undefined): Promise<string> => {
  const [version, iv, data] = stored.split(".");
  if (version !== STORED_VERSION || !iv || !data) throw new Error("unreadable stored webhook secret");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(endpointId) },
    await encryptionKey(keyB64),
    fromBase64(data),
  );
  return new TextDecoder().decode(plain);
};
