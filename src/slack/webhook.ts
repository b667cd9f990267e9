/** What one webhook post came to, as the notify job needs it. */
export type PostResult =
  | { kind: "sent" }
  | { kind: "retry"; error: string; retryAfterSeconds?: number }
  | { kind: "failed"; error: string };

const TIMEOUT_MS = 10_000;
const MAX_ERROR_TEXT = 200;

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export const retryAfterSeconds = (header: string | null, now = Date.now()): number | undefined => {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
};

/**
 * Posts a JSON body to a Slack incoming webhook and classifies the answer: 2xx sent; 429 retry
 * after `Retry-After`; 5xx, timeouts and network errors retry; any other status (Slack's
 * `invalid_payload`, `no_service`, `channel_not_found`, `action_prohibited`, a redirect) is
 * permanent. Redirects are not followed: the URL was checked, wherever it points is not.
 */
export const postWebhook = async (url: string, body: unknown): Promise<PostResult> => {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    // Shown to users on the ticket (processing.notificationError): what happened in plain words,
    // never the runtime's message, which may carry a stack trace.
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { kind: "retry", error: timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : "connection failed" };
  }
  if (res.ok) {
    await res.body?.cancel();
    return { kind: "sent" };
  }
  const error = `HTTP ${res.status}: ${(await res.text().catch(() => "")).slice(0, MAX_ERROR_TEXT)}`;
  if (res.status === 429) return { kind: "retry", error, retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after")) };
  if (res.status >= 500) return { kind: "retry", error };
  return { kind: "failed", error };
};
