/**
 * Which URLs a webhook may be delivered to. Checked when an endpoint is created or changed (a 400
 * naming the reason) and again before every attempt (the allowance may have changed since).
 * A worker's fetch cannot reach Cloudflare's or a customer's private network, but an IP literal or
 * an internal name is still refused up front: it is never a receiver a customer means, and the
 * rule does not depend on where the worker runs. Names are not resolved here (a Worker has no DNS
 * API before the fetch); a public name pointing at a private address is the platform's to refuse.
 */
export type UrlCheck = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): UrlCheck => ({ ok: false, reason });

let cached: { raw: string; origins: Set<string> } | undefined;

/** WEBHOOK_ALLOWED_HTTP_ORIGINS as a set of origins (`http://127.0.0.1:9000`), parsed once per value. */
const allowedOrigins = (raw: string | undefined): Set<string> => {
  const value = raw ?? "";
  if (cached?.raw !== value) {
    const origins = new Set<string>();
    for (const item of value.split(",")) {
      const trimmed = item.trim();
      if (trimmed && URL.canParse(trimmed)) origins.add(new URL(trimmed).origin);
    }
    cached = { raw: value, origins };
  }
  return cached.origins;
};

const V4_RANGES: [string, number, string][] = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol assignment"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

const v4ToInt = (ip: string): number | undefined => {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};

const v4Reason = (n: number): string | undefined => {
  for (const [base, bits, reason] of V4_RANGES) {
    // Same network: equal above the prefix (divisions, since JavaScript's bit operators are signed 32-bit).
    const size = 2 ** (32 - bits);
    if (Math.floor(n / size) === Math.floor(v4ToInt(base)! / size)) return reason;
  }
  return undefined;
};

/** The 8 groups of an IPv6 address as URL parsing writes it (compressed, lower case, no zone). */
const v6Groups = (ip: string): number[] | undefined => {
  const halves = ip.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill(0), ...tail] : head;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
};

const v6Reason = (g: number[]): string | undefined => {
  if (g.every((x) => x === 0)) return "the unspecified address";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "a loopback address";
  const embeddedV4 = (g[6]! * 65536 + g[7]!) >>> 0;
  // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address inside.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4Reason(embeddedV4) ?? undefined;
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4Reason(embeddedV4);
  if ((g[0]! & 0xfe00) === 0xfc00) return "a unique-local address";
  if ((g[0]! & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g[0]! & 0xffc0) === 0xfec0) return "a site-local address";
  if ((g[0]! & 0xff00) === 0xff00) return "a multicast address";
  return undefined;
};

/**
 * Whether `raw` may receive webhooks: `https:` only, no userinfo, no `localhost`/`.localhost`/
 * `.local`/`.internal` name and no IP literal in a loopback, private, link-local, unique-local
 * (or other non-public) range. URL parsing normalises IPv4 written in decimal, hex or octal
 * (`https://2130706433/` is 127.0.0.1) and IPv6 (`[::ffff:127.0.0.1]` is `[::ffff:7f00:1]`), so
 * the checks see the address the fetch would use. An origin in `allowedHttpOrigins`
 * (WEBHOOK_ALLOWED_HTTP_ORIGINS, for local development) is allowed whatever these rules say.
 */
export const checkWebhookUrl = (raw: string, allowedHttpOrigins: string | undefined): UrlCheck => {
  if (!URL.canParse(raw)) return refuse("url must be an absolute URL");
  const url = new URL(raw);
  if (url.username || url.password) return refuse("url must not contain a user name or password");
  if (allowedOrigins(allowedHttpOrigins).has(url.origin)) return { ok: true };
  if (url.protocol !== "https:") return refuse("url must use https://");
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) {
    const groups = v6Groups(host.slice(1, -1));
    if (!groups) return refuse("url has an unreadable IPv6 address");
    const reason = v6Reason(groups);
    return reason ? refuse(`url's host is ${reason}`) : { ok: true };
  }
  const v4 = v4ToInt(host);
  if (v4 !== undefined) {
    const reason = v4Reason(v4) ?? (v4 === 0xffffffff ? "the broadcast address" : undefined);
    return reason ? refuse(`url's host is ${reason}`) : { ok: true };
  }
  if (host === "localhost" || host.endsWith(".localhost")) return refuse("url's host is localhost");
  if (host.endsWith(".local")) return refuse("url's host is a .local name");
  if (host.endsWith(".internal")) return refuse("url's host is an .internal name");
  if (!host.includes(".")) return refuse("url's host must be a fully qualified domain name");
  return { ok: true };
};
