// Build time only, like every `*.docs.ts` module: the event catalogue (what the service POSTs to an
// organization's endpoints) for the OpenAPI document's `webhooks`; the worker never imports it.
import type { WebhookEventType } from "../../db/webhook-schema";
import { WEBHOOK_EVENT_TYPES } from "../../db/webhook-schema";
import { webhookPayloadSchema } from "./schemas.docs";

/** What each event type means, for the OpenAPI document's `webhooks` (the event catalogue). */
const MEANINGS: Partial<Record<WebhookEventType, string>> = {
  "ticket.created": "A ticket was created (createTicket, or the email channel). `event.data` is empty.",
  "ticket.categorized": "The pipeline categorized the ticket: `event.data` `{ category, source }` (ai, fallback).",
  "ticket.auto_resolved": "The ticket's category auto-resolves it: `event.data` `{ category }`; its status is now resolved.",
  "ticket.assigned": "Routing or an agent set the assignee: `event.data` `{ from, to }`.",
  "ticket.status_changed": "The status changed (updateTicket, or a customer reply reopening it): `event.data` `{ from, to }`.",
  "ticket.priority_changed": "The priority changed: `event.data` `{ from, to }`.",
  "ticket.category_changed": "An agent changed the category: `event.data` `{ from, to }`.",
  "ticket.message_added": "Messages were appended: `event.data` `{ count, fromPosition, reopenedFrom }`.",
  "ticket.notification_sent": "A Slack post about the ticket went out: `event.data` `{ eventId? }`.",
  "ticket.notification_failed": "A Slack post about the ticket failed for good: `event.data` `{ error, eventId? }`.",
  "ticket.email_received":
    "A mail from the customer was stored on the ticket (it opened the ticket, or a reply was added): " +
    "`event.data` `{ messageId, from, attachments, skipped }`, `attachments` the number kept and `skipped` the names left out.",
  "ticket.email_sent":
    "An email to the ticket's customer went out (the acknowledgement of a new email ticket, or an agent's reply): " +
    "`event.data` `{ eventId, kind: acknowledgement | reply, messageId, to }`, `eventId` being the event it answers.",
  "ticket.email_failed":
    "An email to the ticket's customer failed for good (retries exhausted, or it can never be sent): " +
    "`event.data` `{ eventId, kind: acknowledgement | reply, error }`, or for a bounce of one we sent `{ kind: bounce, error, bounceMessageId }`.",
};

const HEADERS = [
  { name: "webhook-id", description: "The event's id: the same on every attempt and redelivery, so receivers de-duplicate on it." },
  { name: "webhook-timestamp", description: "Unix seconds of this attempt; reject ones far from your clock (replays)." },
  {
    name: "webhook-signature",
    description:
      "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the endpoint's secret (the bytes after `whsec_`, base64-decoded); " +
      "two space-separated signatures for 24 hours after a rotation. Verify with any Standard Webhooks library.",
  },
];

/** One entry per event type: what the document's `webhooks` object lists, with the payload's schema. */
export const webhookEventCatalogue = () =>
  WEBHOOK_EVENT_TYPES.map((type) => ({
    type,
    description: MEANINGS[type] ?? `The ticket event \`${type.slice("ticket.".length)}\`.`,
    headers: HEADERS,
    schema: webhookPayloadSchema(type),
  }));
