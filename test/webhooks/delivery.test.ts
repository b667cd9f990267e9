import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { captureSends } from "../support/queue";
import { captureWebhookSends, createEndpoint, deliveriesOf, drainWebhooks, eventIdOf, interceptReceivers } from "../support/webhooks";

const URL_A = "https://receiver.example.com/hooks";

const createTicket = async (apiKey: string) => {
  const res = await call("POST", "/api/ext-v1/ticket/createTicket", {
    key: apiKey,
    body: { title: "Printer on fire", customerEmail: "jane@example.com", priority: "high" },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.ticketId as string;
};

describe("webhook delivery", () => {
  it("delivers ticket.created signed so that standardwebhooks' Webhook.verify accepts it", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg();
    const { secret } = await createEndpoint(org, { url: URL_A });
    const received = interceptReceivers();
    const ticketId = await createTicket(org.apiKey);
    await drainWebhooks(sends);

    expect(received).toHaveLength(1);
    const [req] = received;
    const eventId = await eventIdOf(ticketId, "created");
    expect(req!.url).toBe(URL_A);
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["user-agent"]).toMatch(/^ticket-intake-webhooks\//);
    expect(req!.headers["webhook-id"]).toBe(eventId);
    const payload = new Webhook(secret).verify(req!.body, req!.headers) as any;
    expect(payload.type).toBe("ticket.created");
    expect(payload.data.ticketId).toBe(ticketId);
    expect(payload.data.event).toMatchObject({ id: eventId, type: "created", actor: { type: "api" } });
    expect(payload.data.ticket).toMatchObject({ id: ticketId, title: "Printer on fire", priority: "high" });
    expect(payload.data.ticket.messages).toBeUndefined();
    const [delivery] = await deliveriesOf(eventId);
    expect(delivery).toMatchObject({ status: "succeeded", response_status: 200, attempt: 1 });
  });

  it("writes no delivery for an organization without endpoints", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg();
    const ticketId = await createTicket(org.apiKey);
    expect(await deliveriesOf(await eventIdOf(ticketId, "created"))).toEqual([]);
    expect(sends.take()).toEqual([]);
  });
});
