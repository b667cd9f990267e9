import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../src/webhooks/url";

const refused = (url: string, allowed?: string) => {
  const check = checkWebhookUrl(url, allowed);
  return check.ok ? undefined : check.reason;
};

describe("checkWebhookUrl", () => {
  it.each([
    "https://example.com/hooks",
    "https://hooks.example.co.uk:8443/a?b=c",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
  ])("allows %s", (url) => {
    expect(refused(url)).toBeUndefined();
  });

  it.each([
    ["http://example.com/hooks", "https://"],
    ["ftp://example.com/", "https://"],
    ["https://user:pass@example.com/", "user name or password"],
    ["https://user@example.com/", "user name or password"],
    ["https://localhost/", "localhost"],
    ["https://api.localhost/", "localhost"],
    ["https://printer.local/", ".local"],
    ["https://metadata.google.internal/", ".internal"],
    ["https://intranet/", "fully qualified"],
    ["https://127.0.0.1/", "loopback"],
    ["https://127.1.2.3:8443/", "loopback"],
    ["https://2130706433/", "loopback"],
    ["https://0x7f000001/", "loopback"],
    ["https://0177.0.0.1/", "loopback"],
    ["https://10.1.2.3/", "private"],
    ["https://172.16.0.1/", "private"],
    ["https://172.31.255.255/", "private"],
    ["https://192.168.1.1/", "private"],
    ["https://169.254.169.254/latest/meta-data", "link-local"],
    ["https://0.0.0.0/", "this network"],
    ["https://100.64.0.1/", "shared"],
    ["https://224.0.0.1/", "multicast"],
    ["https://[::1]/", "loopback"],
    ["https://[::]/", "unspecified"],
    ["https://[fe80::1]/", "link-local"],
    ["https://[fd00::1]/", "unique-local"],
    ["https://[fc00::abcd]/", "unique-local"],
    ["https://[::ffff:127.0.0.1]/", "loopback"],
    ["https://[::ffff:10.0.0.1]/", "private"],
    ["https://[64:ff9b::a9fe:a9fe]/", "link-local"],
    ["not a url", "absolute URL"],
  ])("refuses %s (%s)", (url, reason) => {
    expect(refused(url)).toContain(reason);
  });

  it("allows 172.32.0.1, just past the private 172.16.0.0/12", () => {
    expect(refused("https://172.32.0.1/")).toBeUndefined();
  });

  it("allows an origin listed in WEBHOOK_ALLOWED_HTTP_ORIGINS, and only that origin", () => {
    const allowed = "http://127.0.0.1:9000, http://localhost:8788";
    expect(refused("http://127.0.0.1:9000/hooks", allowed)).toBeUndefined();
    expect(refused("http://localhost:8788/x", allowed)).toBeUndefined();
    expect(refused("http://127.0.0.1:9001/hooks", allowed)).toContain("https://");
  });

  it("still refuses userinfo on an allowed origin", () => {
    expect(refused("http://me:pw@127.0.0.1:9000/", "http://127.0.0.1:9000")).toContain("user name");
  });
});
