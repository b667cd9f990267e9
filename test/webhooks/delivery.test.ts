import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { fetchWithEnv } from "../support/counting";
import { call, jsonPost } from "../support/http";
import { createOrg, type TestOrg } from "../support/orgs";
import { orgWithCategories } from "../support/pipeline";
import { captureSends, runCron, runQueue } from "../support/queue";
import { allShards } from "../support/tickets";
import {
  captureWebhookSends,
  createEndpoint,
  deliveriesOf,
  drainWebhooks,
  eventIdOf,
  interceptReceivers,
  runWebhookQueue,
  WEBHOOKS_DLQ,
} from "../support/webhooks";

const URL_A = "https://receiver.example.com/a";
const URL_B = "https://receiver.example.com/b";

const createTicket = async (org: TestOrg) => {
  const res = await call("POST", "/api/ext-v1/ticket/createTicket", {
    key: org.apiKey,
    body: { title: "Printer on fire", customerEmail: "jane@example.com", priority: "high" },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.ticketId as string;
};

/** An organization with one endpoint, the queues captured, and a ticket whose `created` event is dispatched. */
const setup = async (endpoint: { url?: string; events?: string[] } = {}) => {
  captureSends();
  const sends = captureWebhookSends();
  const org = await createOrg();
  const created = await createEndpoint(org, { url: endpoint.url ?? URL_A, events: endpoint.events });
  return { org, sends, ...created };
};

/** Makes the pending attempt of `eventId` due now, as if its wait had passed. */
const makeDue = (eventId: string) =>
  allShards
    .prepare("update webhook_deliveries set next_attempt_at = ? where event_id = ? and status = 'pending'")
    .bind(new Date().toISOString(), eventId)
    .run();

describe("webhook delivery", () => {
  it("delivers ticket.created signed so that standardwebhooks' Webhook.verify accepts it", async () => {
    const { org, sends, secret } = await setup();
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);

    expect(received).toHaveLength(1);
    const [req] = received;
    const eventId = await eventIdOf(ticketId, "created");
    expect(req!.url).toBe(URL_A);
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["user-agent"]).toMatch(/^ticket-intake-webhooks\//);
    expect(req!.headers["webhook-id"]).toBe(eventId);
    expect(Math.abs(Number(req!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    const payload = new Webhook(secret).verify(req!.body, req!.headers) as any;
    expect(payload.type).toBe("ticket.created");
    expect(payload.data.ticketId).toBe(ticketId);
    expect(payload.data.event).toMatchObject({ id: eventId, type: "created", actor: { type: "api" } });
    expect(payload.data.ticket).toMatchObject({
      id: ticketId,
      title: "Printer on fire",
      priority: "high",
      customer: { email: "jane@example.com" },
    });
    expect(payload.data.ticket.messages).toBeUndefined();
    const [delivery] = await deliveriesOf(eventId);
    expect(delivery).toMatchObject({ status: "succeeded", response_status: 200, attempt: 1, next_attempt_at: null });
  });

  it("rejects the body under any other secret (the signature is not decorative)", async () => {
    const { org, sends } = await setup();
    const received = interceptReceivers();
    await createTicket(org);
    await drainWebhooks(sends);
    const other = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
    expect(() => new Webhook(other).verify(received[0]!.body, received[0]!.headers)).toThrow();
  });

  it("writes no delivery and sends no message for an organization without endpoints", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg();
    const ticketId = await createTicket(org);
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toEqual([]);
    expect(sends.take()).toEqual([]);
  });

  it("delivers only the subscribed event types", async () => {
    const { org, sends } = await setup({ events: ["ticket.status_changed"] });
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toEqual([]);
    const update = await call("POST", "/api/ext-v1/ticket/updateTicket", { key: org.apiKey, body: { ticketId, status: "resolved" } });
    expect(update.status).toBe(200);
    await drainWebhooks(sends);
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(["ticket.status_changed"]);
    expect(JSON.parse(received[0]!.body).data.event.data).toEqual({ from: "open", to: "resolved" });
  });

  it("delivers addMessages' message_added event", async () => {
    const { org, sends } = await setup({ events: ["ticket.message_added"] });
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    const res = await call("POST", "/api/ext-v1/ticket/addMessages", {
      key: org.apiKey,
      body: { ticketId, messages: [{ role: "agent", content: "On it" }] },
    });
    expect(res.status).toBe(200);
    await drainWebhooks(sends);
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual(["ticket.message_added"]);
  });

  it("never delivers one organization's events to another's endpoints", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const a = await createOrg();
    const b = await createOrg();
    await createEndpoint(a, { url: URL_A });
    await createEndpoint(b, { url: URL_B });
    const received = interceptReceivers();
    const ticketId = await createTicket(a);
    await drainWebhooks(sends);
    expect(received.map((r) => r.url)).toEqual([URL_A]);
    expect(JSON.parse(received[0]!.body).data.ticketId).toBe(ticketId);
  });

  it("retries a 500 after the schedule's first wait (5 s, with jitter) and records the failed attempt", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500, body: "boom" }] });
    const ticketId = await createTicket(org);
    const delayed = await drainWebhooks(sends);
    const eventId = await eventIdOf(ticketId, "created");
    const [first, second] = await deliveriesOf(eventId);
    expect(first).toMatchObject({ attempt: 1, status: "failed", response_status: 500, error: "HTTP 500: boom" });
    expect(second).toMatchObject({ attempt: 2, status: "pending" });
    const wait = (Date.parse(second!.next_attempt_at) - Date.parse(first!.updated_at)) / 1000;
    expect(wait).toBeGreaterThanOrEqual(4.5);
    expect(wait).toBeLessThanOrEqual(5.5);
    expect(first!.next_attempt_at).toBe(second!.next_attempt_at);
    expect(delayed).toEqual([
      {
        body: { type: "deliver", deliveryId: second!.id, endpointId: second!.endpoint_id, shard: org.shard },
        delaySeconds: expect.any(Number),
      },
    ]);
    expect(delayed[0]!.delaySeconds).toBeGreaterThanOrEqual(5);
    expect(delayed[0]!.delaySeconds).toBeLessThanOrEqual(6);
  });

  it("sends the same webhook-id on a retry, and the retry succeeds", async () => {
    const { org, sends, secret } = await setup();
    const received = interceptReceivers({ [URL_A]: [{ status: 503 }, { status: 204 }] });
    const ticketId = await createTicket(org);
    const [retry] = await drainWebhooks(sends);
    const eventId = await eventIdOf(ticketId, "created");
    await makeDue(eventId);
    await runWebhookQueue([retry!.body]);
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
    new Webhook(secret).verify(received[1]!.body, received[1]!.headers);
    expect((await deliveriesOf(eventId)).map((d) => d.status)).toEqual(["failed", "succeeded"]);
  });

  it("honours Retry-After on a 429", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 429, headers: { "retry-after": "120" } }] });
    await createTicket(org);
    const [retry] = await drainWebhooks(sends);
    expect(retry!.delaySeconds).toBe(120);
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const { org, sends } = await setup();
    const received = interceptReceivers({ [URL_A]: [{ status: 302, headers: { location: "https://elsewhere.example.com/" } }] });
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);
    expect(received).toHaveLength(1);
    const [first] = await deliveriesOf(await eventIdOf(ticketId, "created"));
    expect(first).toMatchObject({ status: "failed", response_status: 302, error: "HTTP 302: redirects are not followed" });
  });

  it("records a connection failure as a failed attempt, retried", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: [new TypeError("Network connection lost")] });
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);
    const [first, second] = await deliveriesOf(await eventIdOf(ticketId, "created"));
    expect(first).toMatchObject({ status: "failed", response_status: null, error: "connection failed" });
    expect(second).toMatchObject({ status: "pending", attempt: 2 });
  });

  it("records a failed attempt's huge garbage body as its first 200 characters", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500, body: `\u0000<html>${"x".repeat(2_000_000)}` }] });
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);
    const [first, second] = await deliveriesOf(await eventIdOf(ticketId, "created"));
    expect(first).toMatchObject({ status: "failed", response_status: 500 });
    expect(first!.error.length).toBe("HTTP 500: ".length + 200);
    expect(second).toMatchObject({ status: "pending" });
  });

  it("disables the endpoint on 410 Gone, without retrying", async () => {
    const { org, sends, endpoint } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 410 }] });
    const ticketId = await createTicket(org);
    const delayed = await drainWebhooks(sends);
    expect(delayed).toEqual([]);
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toMatchObject([
      { status: "failed", response_status: 410, next_attempt_at: null },
    ]);
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.json.endpoints[0]).toMatchObject({
      id: endpoint.id,
      enabled: false,
      disabledReason: "disabled: the receiver answered 410 Gone",
    });
  });

  it("marks the delivery failed after the schedule's last attempt", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500 }] });
    const ticketId = await createTicket(org);
    const eventId = await eventIdOf(ticketId, "created");
    // Attempt 10 is the last: the default schedule has 9 waits.
    await allShards.prepare("update webhook_deliveries set attempt = 10 where event_id = ?").bind(eventId).run();
    const delayed = await drainWebhooks(sends);
    expect(delayed).toEqual([]);
    expect(await deliveriesOf(eventId)).toMatchObject([{ attempt: 10, status: "failed", next_attempt_at: null }]);
  });

  it("follows WEBHOOK_RETRY_SCHEDULE", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500 }] });
    await createTicket(org);
    const [retry] = await drainWebhooks(sends, { env: { WEBHOOK_RETRY_SCHEDULE: "600,1200" } });
    expect(retry!.delaySeconds).toBeGreaterThanOrEqual(540);
    expect(retry!.delaySeconds).toBeLessThanOrEqual(660);
  });

  it("chains a wait longer than Queues' 12-hour maximum delay", async () => {
    const { org, sends } = await setup();
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    const eventId = await eventIdOf(ticketId, "created");
    const due = new Date(Date.now() + 20 * 3600_000).toISOString();
    await allShards.prepare("update webhook_deliveries set next_attempt_at = ? where event_id = ?").bind(due, eventId).run();
    const [early] = await drainWebhooks(sends);
    expect(received).toEqual([]);
    expect(early!.delaySeconds).toBe(12 * 3600);
  });

  it("POSTs once when the same attempt's message arrives twice", async () => {
    const { org, sends } = await setup();
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    await runWebhookQueue(sends.take().map((m) => m.body));
    const deliver = sends.take().map((m) => m.body);
    expect(deliver).toHaveLength(1);
    await runWebhookQueue([deliver[0]!, deliver[0]!]);
    await runWebhookQueue(deliver);
    expect(received).toHaveLength(1);
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toMatchObject([{ status: "succeeded" }]);
  });

  it("signs with both secrets for 24 hours after a rotation", async () => {
    const { org, sends, secret: oldSecret, endpoint } = await setup();
    const received = interceptReceivers();
    const rotated = await call("POST", "/api/ext-v1/webhook/rotateSecret", { key: org.apiKey, body: { endpointId: endpoint.id } });
    await createTicket(org);
    await drainWebhooks(sends);
    const [req] = received;
    expect(req!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(req!.body, req!.headers)).toBeTruthy();
    expect(new Webhook(rotated.json.secret).verify(req!.body, req!.headers)).toBeTruthy();
  });

  it("signs with the new secret only once the 24 hours are over", async () => {
    const { org, sends, secret: oldSecret, endpoint } = await setup();
    const received = interceptReceivers();
    const rotated = await call("POST", "/api/ext-v1/webhook/rotateSecret", { key: org.apiKey, body: { endpointId: endpoint.id } });
    await allShards
      .prepare("update webhook_endpoints set previous_secret_expires_at = ? where id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), endpoint.id)
      .run();
    await createTicket(org);
    await drainWebhooks(sends);
    const [req] = received;
    expect(req!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(new Webhook(rotated.json.secret).verify(req!.body, req!.headers)).toBeTruthy();
    expect(() => new Webhook(oldSecret).verify(req!.body, req!.headers)).toThrow();
  });

  it("delivers to a healthy endpoint while another hangs until its timeout", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg();
    await createEndpoint(org, { url: URL_A });
    await createEndpoint(org, { url: URL_B });
    const received = interceptReceivers({ [URL_A]: ["hang"] });
    const ticketId = await createTicket(org);
    const started = Date.now();
    await drainWebhooks(sends, { env: { WEBHOOK_TIMEOUT_MS: "300" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(received.map((r) => r.url).sort()).toEqual([URL_A, URL_B]);
    const statuses = await allShards
      .prepare(
        "select e.url, d.status, d.error from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.event_id = ? and d.attempt = 1",
      )
      .bind(await eventIdOf(ticketId, "created"))
      .all<{ url: string; status: string; error: string | null }>();
    expect(Object.fromEntries(statuses.results.map((r) => [r.url, [r.status, r.error]]))).toEqual({
      [URL_A]: ["failed", "timed out after 0.3 s"],
      [URL_B]: ["succeeded", null],
    });
  });

  it("defers the rest of a batch for an endpoint that timed out, without spending their attempts", async () => {
    const { org, sends } = await setup();
    interceptReceivers({ [URL_A]: ["hang"] });
    await createTicket(org);
    await createTicket(org);
    await runWebhookQueue(sends.take().map((m) => m.body));
    const deliver = sends.take().map((m) => m.body);
    expect(deliver).toHaveLength(2);
    await runWebhookQueue(deliver, { env: { WEBHOOK_TIMEOUT_MS: "200" } });
    const after = sends.take();
    // One attempt timed out (its retry is scheduled); the other message is only sent again, 30 s later.
    expect(after.filter((m) => m.delaySeconds === 30).map((m) => m.body)).toEqual([deliver[1]]);
    const pendingFirstAttempts = await allShards
      .prepare("select count(*) as n from webhook_deliveries where organization_id = ? and attempt = 1 and status = 'pending'")
      .bind(org.id)
      .first<{ n: number }>();
    expect(pendingFirstAttempts!.n).toBe(1);
  });

  it("disables an endpoint whose deliveries have all failed for 5 days", async () => {
    const { org, sends, endpoint } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500 }] });
    await allShards
      .prepare("update webhook_endpoints set failing_since = ? where id = ?")
      .bind(new Date(Date.now() - 5 * 86400_000 - 60_000).toISOString(), endpoint.id)
      .run();
    await createTicket(org);
    await drainWebhooks(sends);
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.json.endpoints[0]).toMatchObject({ enabled: false, disabledReason: "disabled after 5 days of failed deliveries" });
    expect(list.json.endpoints[0]!.lastFailureAt).not.toBeNull();
  });

  it("keeps an endpoint that failed for less than 5 days", async () => {
    const { org, sends, endpoint } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500 }] });
    await allShards
      .prepare("update webhook_endpoints set failing_since = ? where id = ?")
      .bind(new Date(Date.now() - 4 * 86400_000).toISOString(), endpoint.id)
      .run();
    await createTicket(org);
    await drainWebhooks(sends);
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.json.endpoints[0]).toMatchObject({ enabled: true, disabledReason: null });
  });

  it("shows the last success on the endpoint", async () => {
    const { org, sends } = await setup();
    interceptReceivers();
    await createTicket(org);
    await drainWebhooks(sends);
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.json.endpoints[0]!.lastSuccessAt).not.toBeNull();
    expect(list.json.endpoints[0]!.lastFailureAt).toBeNull();
  });

  it("the cron sweeper sends deliveries no write dispatched (the pipeline's events)", async () => {
    const { org, sends } = await setup();
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    sends.take(); // the dispatch is lost
    await runCron(Date.now());
    await drainWebhooks(sends);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers["webhook-id"]).toBe(await eventIdOf(ticketId, "created"));
  });

  it("checks the URL again before each attempt: an origin no longer allowed is not fetched", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg();
    const local = "http://127.0.0.1:9000/hooks";
    const created = await call("POST", "/api/ext-v1/webhook/createEndpoint", { key: org.apiKey, body: { url: local } });
    expect(created.status).toBe(400);
    // Allowed when it was created (as in local development), no longer when the attempt is made.
    const allowed = { WEBHOOK_ALLOWED_HTTP_ORIGINS: "http://127.0.0.1:9000" };
    const res = await fetchWithEnv(jsonPost("/api/ext-v1/webhook/createEndpoint", org.apiKey, { url: local }), allowed);
    expect(res.status).toBe(200);
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);
    expect(received).toEqual([]);
    const [first] = await deliveriesOf(await eventIdOf(ticketId, "created"));
    expect(first).toMatchObject({ status: "failed", error: "not sent: url must use https://" });
  });

  it("marks an attempt failed when its message is dead-lettered", async () => {
    const { org, sends } = await setup();
    const ticketId = await createTicket(org);
    await runWebhookQueue(sends.take().map((m) => m.body));
    const [deliver] = sends.take().map((m) => m.body);
    await runWebhookQueue([deliver!], { queue: WEBHOOKS_DLQ });
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toMatchObject([
      { status: "failed", error: "delivery failed repeatedly inside the worker", next_attempt_at: null },
    ]);
  });

  it("fails the attempts of a disabled endpoint without sending them", async () => {
    const { org, sends, endpoint } = await setup();
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    await call("POST", "/api/ext-v1/webhook/updateEndpoint", { key: org.apiKey, body: { endpointId: endpoint.id, enabled: false } });
    await drainWebhooks(sends);
    expect(received).toEqual([]);
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toMatchObject([{ status: "failed", error: "endpoint disabled" }]);
  });
});

describe("listDeliveries and redeliver", () => {
  it("lists every attempt newest first, with status code, error, duration and next attempt", async () => {
    const { org, sends, endpoint } = await setup();
    interceptReceivers({ [URL_A]: [{ status: 500, body: "down" }] });
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);
    const eventId = await eventIdOf(ticketId, "created");
    const res = await call("GET", `/api/ext-v1/webhook/listDeliveries?endpointId=${endpoint.id}`, { key: org.apiKey });
    expect(res.status, res.text).toBe(200);
    expect(res.json.deliveries).toMatchObject([
      { endpointId: endpoint.id, eventId, eventType: "ticket.created", attempt: 2, status: "pending", responseStatus: null },
      {
        endpointId: endpoint.id,
        eventId,
        eventType: "ticket.created",
        attempt: 1,
        status: "failed",
        responseStatus: 500,
        error: "HTTP 500: down",
      },
    ]);
    expect(res.json.deliveries[1]!.durationMs).toEqual(expect.any(Number));
    expect(res.json.deliveries[1]!.nextAttemptAt).toBe(res.json.deliveries[0]!.nextAttemptAt);
    const failed = await call("GET", "/api/ext-v1/webhook/listDeliveries?status=failed", { key: org.apiKey });
    expect(failed.json.deliveries.map((d: { attempt: number }) => d.attempt)).toEqual([1]);
  });

  it("pages with a cursor", async () => {
    const { org, sends } = await setup();
    interceptReceivers();
    await createTicket(org);
    await createTicket(org);
    await drainWebhooks(sends);
    const first = await call("GET", "/api/ext-v1/webhook/listDeliveries?limit=1", { key: org.apiKey });
    expect(first.json.deliveries).toHaveLength(1);
    const second = await call("GET", `/api/ext-v1/webhook/listDeliveries?limit=1&cursor=${first.json.nextCursor}`, { key: org.apiKey });
    expect(second.json.deliveries).toHaveLength(1);
    expect(second.json.deliveries[0]!.id).not.toBe(first.json.deliveries[0]!.id);
    expect(second.json.nextCursor).toBeNull();
  });

  it("redelivers one event to an endpoint: a fresh attempt 1, same webhook-id", async () => {
    const { org, sends, endpoint, secret } = await setup();
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    await drainWebhooks(sends);
    const eventId = await eventIdOf(ticketId, "created");
    const res = await call("POST", "/api/ext-v1/webhook/redeliver", { key: org.apiKey, body: { eventId, endpointId: endpoint.id } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.delivery).toMatchObject({ eventId, endpointId: endpoint.id, attempt: 1, status: "pending" });
    await drainWebhooks(sends);
    expect(received).toHaveLength(2);
    expect(received[1]!.headers["webhook-id"]).toBe(eventId);
    new Webhook(secret).verify(received[1]!.body, received[1]!.headers);
    expect((await deliveriesOf(eventId)).map((d) => [d.round, d.attempt, d.status])).toEqual([
      [0, 1, "succeeded"],
      [1, 1, "succeeded"],
    ]);
  });

  it("redeliver is a 404 for another organization's event", async () => {
    const { endpoint, org } = await setup();
    const other = await createOrg();
    const foreignTicket = await createTicket(other);
    const res = await call("POST", "/api/ext-v1/webhook/redeliver", {
      key: org.apiKey,
      body: { eventId: await eventIdOf(foreignTicket, "created"), endpointId: endpoint.id },
    });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("event_not_found");
  });
});

describe("an endpoint disabled for 5 days of failures", () => {
  it("is announced on the organization's Slack through the outbox and the jobs queue", async () => {
    const jobs = captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg({ slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" });
    const { endpoint } = await createEndpoint(org, { url: URL_A });
    const received = interceptReceivers({ [URL_A]: [{ status: 500 }] });
    await allShards
      .prepare("update webhook_endpoints set failing_since = ? where id = ?")
      .bind(new Date(Date.now() - 6 * 86400_000).toISOString(), endpoint.id)
      .run();
    await createTicket(org);
    jobs.take();
    await drainWebhooks(sends);
    const notice = jobs.take();
    expect(notice).toEqual([{ jobId: expect.any(String), kind: "webhook_disabled", ticketId: expect.any(String), shard: org.shard }]);
    await runQueue(notice);
    const slack = received.filter((r) => r.url.startsWith("https://hooks.slack.com/"));
    expect(slack).toHaveLength(1);
    expect(JSON.parse(slack[0]!.body).text).toBe(
      `A webhook endpoint of this organization was disabled after 5 days of failed deliveries: ${URL_A}. ` +
        "Fix the receiver, then re-enable it with updateEndpoint (enabled: true) and send what it missed with redeliver.",
    );
    const job = await allShards.prepare("select status, event_id from jobs where id = ?").bind(notice[0]!.jobId).first();
    expect(job).toEqual({ status: "done", event_id: endpoint.id });
  });
});

describe("events the pipeline writes", () => {
  it("are dispatched by the jobs consumer after its batch, not left for the sweeper", async () => {
    const jobs = captureSends();
    const sends = captureWebhookSends();
    const org = await orgWithCategories();
    await createEndpoint(org, { url: URL_A, events: ["ticket.categorized"] });
    const received = interceptReceivers();
    const ticketId = await createTicket(org);
    await runQueue(jobs.take().filter((m) => m.kind === "categorize"));
    expect(sends.take().map((m) => m.body)).toContainEqual({ type: "dispatch", organizationId: org.id, shard: org.shard });
    // The create's own dispatch was taken above with the categorize job's: send the consumer's again.
    await runWebhookQueue([{ type: "dispatch", organizationId: org.id, shard: org.shard }]);
    await drainWebhooks(sends);
    expect(received.map((r) => JSON.parse(r.body))).toMatchObject([
      { type: "ticket.categorized", data: { ticketId, event: { type: "categorized", actor: { type: "pipeline" } } } },
    ]);
  });

  it("sends no dispatch for an organization without endpoints", async () => {
    const jobs = captureSends();
    const sends = captureWebhookSends();
    const org = await orgWithCategories();
    await createTicket(org);
    await runQueue(jobs.take().filter((m) => m.kind === "categorize"));
    expect(sends.take()).toEqual([]);
  });
});
