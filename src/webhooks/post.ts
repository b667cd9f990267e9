import { retryAfterSeconds } from "../slack/webhook";

/** What one attempt came to, as the delivery records it. */
export type AttemptResult = {
  ok: boolean;
  /** The receiver's status; null when no response came (timeout, connection failure). */
  responseStatus: number | null;
  /** Why it failed, in plain words (shown in listDeliveries; never a stack trace). */
  error: string | null;
  /** Seconds from a 429/503's Retry-After. */
  retryAfter?: number;
  durationMs: number;
};

export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_ERROR_TEXT = 200;

/**
 * The start of a failed response's body, for its error: read chunk by chunk up to a few KB and the
 * rest cancelled, so a receiver answering an endless or huge body (or garbage) costs no memory.
 */
const leadingText = async (res: Response): Promise<string> => {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 4096) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A connection closed mid-body: what arrived is the error text.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes).replace(/\s+/g, " ").trim();
};

/**
 * POSTs one signed event: the boundary tests replace (they spy on the global fetch, as for Slack).
 * 2xx delivered; a redirect is a failure and is never followed (the URL was checked, where it
 * points is not); any other status, a timeout or a closed connection is a failure whose reason is
 * recorded. The response body is read at most to its first 200 characters for the error.
 */
export const postEvent = async (url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptResult> => {
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      ok: false,
      responseStatus: null,
      error: timedOut ? `timed out after ${timeoutMs / 1000} s` : "connection failed",
      durationMs: Date.now() - started,
    };
  }
  const durationMs = Date.now() - started;
  if (res.status >= 200 && res.status < 300) {
    await res.body?.cancel().catch(() => {});
    return { ok: true, responseStatus: res.status, error: null, durationMs };
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, responseStatus: res.status, error: `HTTP ${res.status}: redirects are not followed`, durationMs };
  }
  const text = await leadingText(res);
  return {
    ok: false,
    responseStatus: res.status,
    error: `HTTP ${res.status}${text ? `: ${text.slice(0, MAX_ERROR_TEXT)}` : ""}`,
    retryAfter: res.status === 429 || res.status === 503 ? retryAfterSeconds(res.headers.get("retry-after")) : undefined,
    durationMs,
  };
};
