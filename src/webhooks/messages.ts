import * as z from "zod/mini";

/**
 * What travels on the webhooks queue (ticket-intake-webhooks), pointers only:
 * - `dispatch`: an organization's write committed deliveries (the outbox trigger's rows); the
 *   consumer claims them and sends one `deliver` per attempt. One message per write, sent after
 *   the response, only when the write's batch said the organization has an enabled endpoint.
 * - `deliver`: one pending attempt.
 * Both name the organization's shard (src/db/shards.ts); messages sent before sharding carry none: shard 0.
 */
const shard = z.optional(z.number().check(z.int(), z.nonnegative()));
export const webhookMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("dispatch"), organizationId: z.string(), shard }),
  z.object({ type: z.literal("deliver"), deliveryId: z.string(), endpointId: z.string(), shard }),
]);

export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

/** Sends the dispatch message for an organization's write. Never throws: the sweeper sends what a lost message would have. */
export const dispatchWebhooks = async (queue: Queue<WebhookMessage>, shard: number, organizationId: string): Promise<void> => {
  try {
    await queue.send({ type: "dispatch", organizationId, shard }, { contentType: "json" });
  } catch (err) {
    console.warn(JSON.stringify({ msg: "webhook dispatch send failed; sweeper will send", organizationId, error: String(err) }));
  }
};
