const DEFAULT_ORIGINS = "https://hooks.slack.com";

let cached: { raw: string; origins: string[] } | undefined;

const originsOf = (raw: string | undefined) => {
  const value = raw ?? DEFAULT_ORIGINS;
  if (cached?.raw !== value) {
    cached = {
      raw: value,
      origins: value
        .split(",")
        .map((o) => o.trim().replace(/\/+$/, ""))
        .filter(Boolean),
    };
  }
  return cached.origins;
};

/**
 * A webhook URL is allowed when its origin is one of SLACK_WEBHOOK_ALLOWED_ORIGINS.
 * Comparing parsed origins (not string prefixes) keeps `https://hooks.slack.com.evil.test` out.
 */
export const isAllowedWebhook = (url: string, allowedOrigins: string | undefined): boolean => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return originsOf(allowedOrigins).some((o) => URL.canParse(o) && new URL(o).origin === parsed.origin && url.startsWith(o));
};
