import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { captureSends, runCron } from "../support/queue";
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

describe("webhooks on every shard", () => {
  it.each([1, 2])(
    "a delivery on shard %i whose dispatch was lost is sent by the sweeper, naming its shard, and delivered",
    async (shard) => {
      captureSends();
      const sends = captureWebhookSends();
      const org = await createOrg({ shard });
      await createEndpoint(org, { url: "https://receiver.example.com/a" });
      const received = interceptReceivers();
      const created = await call("POST", "/api/ext-v1/ticket/createTicket", {
        key: org.apiKey,
        body: { title: "t", customerEmail: "a@example.com" },
      });
      expect(sends.take().map((m) => m.body)).toEqual([{ type: "dispatch", organizationId: org.id, shard }]); // lost

      await runCron(Date.now());
      const swept = sends.take();
      expect(swept.map((m) => m.body)).toEqual([
        { type: "deliver", deliveryId: expect.any(String), endpointId: expect.any(String), shard },
      ]);
      // Delivered from the message alone: the consumer opened the shard it names.
      await drainWebhooks({ take: () => swept.splice(0) });
      expect(received).toHaveLength(1);
      const eventId = await eventIdOf(created.json.ticketId, "created");
      expect(received[0]!.headers["webhook-id"]).toBe(eventId);
      expect((await deliveriesOf(eventId))[0]).toMatchObject({ status: "succeeded" });
    },
  );

  it("the webhooks dead-letter handler marks the attempt failed on its own shard", async () => {
    captureSends();
    const sends = captureWebhookSends();
    const org = await createOrg({ shard: 2 });
    await createEndpoint(org, { url: "https://receiver.example.com/a" });
    const created = await call("POST", "/api/ext-v1/ticket/createTicket", {
      key: org.apiKey,
      body: { title: "t", customerEmail: "a@example.com" },
    });
    await runWebhookQueue(sends.take().map((m) => m.body));
    const [deliver] = sends.take().map((m) => m.body);
    expect(deliver).toMatchObject({ type: "deliver", shard: 2 });
    await runWebhookQueue([deliver!], { queue: WEBHOOKS_DLQ });
    expect(await deliveriesOf(await eventIdOf(created.json.ticketId, "created"))).toMatchObject([
      { status: "failed", error: "delivery failed repeatedly inside the worker" },
    ]);
  });
});
