import type { OperationRequests, RouteFixture } from "../support/common-route-tests";
import { createEndpoint } from "../support/webhooks";

/** Each fixture organization's webhook endpoint, made by `prepare` (the fixture itself has none). */
const endpoints = new Map<string, string>();
const endpointOf = (f: RouteFixture) => endpoints.get(f.org.id) ?? "019a0000-0000-7000-8000-000000000000";

const prepare = async (f: RouteFixture) => {
  if (endpoints.has(f.org.id)) return;
  const { endpoint } = await createEndpoint(f.org, { url: "https://receiver.example.com/hooks" });
  endpoints.set(f.org.id, endpoint.id);
};

const createdEventOf = async (f: RouteFixture) =>
  (await f.org.db
    .prepare("select id from ticket_events where ticket_id = ? and type = 'created'")
    .bind(f.ticketId)
    .first<{ id: string }>())!.id;
const events = new Map<string, string>();

const notFound = { status: 404, code: "webhook_endpoint_not_found" } as const;

/** The webhook operations' entries of the common route tests' table (test/api/common-routes.test.ts). */
export const webhookRequests: Record<string, OperationRequests> = {
  createEndpoint: {
    valid: () => ({ body: { url: "https://receiver.example.com/new" } }),
    // Creating needs no foreign id: the intruder's own new endpoint; what must not show is the fixture's.
    foreign: () => ({
      request: { body: { url: "https://receiver.example.com/intruder" } },
      answer: { status: 200, unseen: () => [] },
    }),
  },
  listEndpoints: {
    prepare,
    valid: () => ({}),
    foreign: () => ({ request: {}, answer: { status: 200, unseen: (json) => json.endpoints } }),
  },
  updateEndpoint: {
    prepare,
    valid: (f) => ({ body: { endpointId: endpointOf(f), description: "renamed" } }),
    foreign: (f) => ({ request: { body: { endpointId: endpointOf(f), enabled: false } }, answer: notFound }),
  },
  deleteEndpoint: {
    prepare,
    valid: (f) => ({ body: { endpointId: endpointOf(f) } }),
    foreign: (f) => ({ request: { body: { endpointId: endpointOf(f) } }, answer: notFound }),
  },
  rotateSecret: {
    prepare,
    valid: (f) => ({ body: { endpointId: endpointOf(f) } }),
    foreign: (f) => ({ request: { body: { endpointId: endpointOf(f) } }, answer: notFound }),
  },
  listDeliveries: {
    prepare,
    valid: (f) => ({ query: { endpointId: endpointOf(f) } }),
    foreign: (f) => ({ request: { query: { endpointId: endpointOf(f) } }, answer: notFound }),
  },
  redeliver: {
    prepare: async (f) => {
      await prepare(f);
      events.set(f.org.id, await createdEventOf(f));
    },
    valid: (f) => ({ body: { endpointId: endpointOf(f), eventId: events.get(f.org.id) ?? "none" } }),
    foreign: (f) => ({ request: { body: { endpointId: endpointOf(f), eventId: events.get(f.org.id) ?? "none" } }, answer: notFound }),
  },
};
