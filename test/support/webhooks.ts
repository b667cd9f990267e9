import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { rows } from "./tickets";
import { vi } from "vitest";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import type { WebhookMessage } from "../../src/webhooks/messages";
import { call } from "./http";
import type { TestOrg } from "./orgs";

export const WEBHOOKS_QUEUE = "ticket-intake-webhooks";
export const WEBHOOKS_DLQ = "ticket-intake-webhooks-dlq";

/** createEndpoint through the API; throws unless it succeeds. */
export const createEndpoint = async (org: TestOrg, body: { url: string; events?: string[]; description?: string }) => {
  const res = await call("POST", "/api/ext-v1/webhook/createEndpoint", { key: org.apiKey, body });
  if (res.status !== 200) throw new Error(`createEndpoint failed: ${res.status} ${res.text}`);
  return { endpoint: res.json.endpoint, secret: res.json.secret as string };
};

/** Keeps the worker's webhook queue sends in the test (as captureSends does for the jobs queue). */
export const captureWebhookSends = () => {
  const queue: Env["WEBHOOKS"] = env.WEBHOOKS;
  const sent: { body: WebhookMessage; delaySeconds?: number }[] = [];
  vi.spyOn(queue, "send").mockImplementation(async (body, options) => {
    sent.push({ body, delaySeconds: options?.delaySeconds });
    return undefined as never;
  });
  vi.spyOn(queue, "sendBatch").mockImplementation(async (messages) => {
    for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    return undefined as never;
  });
  /** Messages sent since the last take. */
  const take = () => sent.splice(0);
  return { take };
};

/** Runs the worker's queue handler on a webhooks-queue batch; what it acked and retried. */
export const runWebhookQueue = async (messages: WebhookMessage[], opts: { queue?: string; env?: Partial<Env> } = {}) => {
  const batch = createMessageBatch<WebhookMessage>(
    opts.queue ?? WEBHOOKS_QUEUE,
    messages.map((body, i) => ({ id: `wh-${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, { ...env, ...opts.env });
  return getQueueResult(batch, ctx);
};

/**
 * Dispatches, then delivers, every webhook message the worker sent since the last take, until no
 * undelayed message is left: what the real queue would do now. Delayed messages (retries) are returned.
 */
export const drainWebhooks = async (sends: ReturnType<typeof captureWebhookSends>, opts: { env?: Partial<Env> } = {}) => {
  const delayed: { body: WebhookMessage; delaySeconds?: number }[] = [];
  for (let round = 0; round < 10; round++) {
    const now = sends.take();
    delayed.push(...now.filter((m) => (m.delaySeconds ?? 0) > 0));
    const ready = now.filter((m) => (m.delaySeconds ?? 0) === 0).map((m) => m.body);
    if (ready.length === 0) break;
    await runWebhookQueue(ready, opts);
  }
  return delayed;
};

export type ReceivedRequest = { url: string; headers: Record<string, string>; body: string };

/** The receiver's answer to one request; an Error is a network failure, "hang" never answers (until the attempt's timeout aborts it). */
export type ReceiverReply = { status?: number; body?: string; headers?: Record<string, string> } | Error | "hang";

/**
 * Plays the customers' receivers at the worker's fetch boundary (the worker shares the test
 * isolate, so a spy on the global fetch reaches it): records every request with its exact
 * headers and body, and answers per URL with `replies[url]` in order (the last repeating), 200 otherwise.
 */
export const interceptReceivers = (replies: Record<string, ReceiverReply[]> = {}) => {
  const received: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = request.url;
    received.push({ url, headers: Object.fromEntries(request.headers), body: await request.text() });
    const n = counts.get(url) ?? 0;
    counts.set(url, n + 1);
    const list = replies[url] ?? [];
    const reply = list[Math.min(n, list.length - 1)] ?? { status: 200 };
    if (reply === "hang") {
      return new Promise<Response>((_, reject) => {
        const signal = init?.signal;
        signal?.addEventListener("abort", () => reject(signal.reason));
      });
    }
    if (reply instanceof Error) throw reply;
    const status = reply.status ?? 200;
    // 204, 205 and 304 carry no body (a Response with one would throw).
    const body = [204, 205, 304].includes(status) ? null : (reply.body ?? "ok");
    return new Response(body, { status, headers: reply.headers });
  });
  return received;
};

/** The delivery rows of an event, oldest attempt first. */
export const deliveriesOf = (eventId: string) =>
  rows<Record<string, any>>("select * from webhook_deliveries where event_id = ? order by round, attempt", eventId);

/** The id of a ticket's event of `type`. */
export const eventIdOf = async (ticketId: string, type: string) =>
  (await rows<{ id: string }>("select id from ticket_events where ticket_id = ? and type = ?", ticketId, type))[0]!.id;
