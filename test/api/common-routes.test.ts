import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { documentedOperations, type OperationRequests, runCommonRouteTests } from "../support/common-route-tests";
import { webhookRequests } from "../webhooks/common-route-requests";

const operations = documentedOperations("/api/ext-v1/");

const notFound = (code: "ticket_not_found" | "customer_not_found" | "device_not_found" | "attachment_not_found") =>
  ({ status: 404, code }) as const;

/** The fixture ticket gets one attachment (as an email message would), stored in R2 under the id derived from the ticket's. */
const attachmentOf = (ticketId: string) => `att-${ticketId}`;

/**
 * A valid request per operation, and one naming another organization's things. A new route is
 * documented, so it gets the common tests, which fail until it has its entry here.
 */
const requests: Partial<Record<string, OperationRequests>> = {
  createTicket: {
    valid: (f) => ({ body: { title: "Printer on fire", customerEmail: f.customerEmail } }),
    foreign: (f) => ({ request: { body: { title: "t", customerId: f.customerId } }, answer: notFound("customer_not_found") }),
  },
  getTicket: {
    valid: (f) => ({ params: { ticketId: f.ticketId } }),
    foreign: (f) => ({ request: { params: { ticketId: f.ticketId } }, answer: notFound("ticket_not_found") }),
  },
  listTickets: {
    valid: () => ({ query: { limit: "10" } }),
    // The intruding organization has no tickets: any listed would be another's.
    foreign: () => ({ request: { query: { limit: "10" } }, answer: { status: 200, unseen: (json) => json.tickets } }),
  },
  updateTicket: {
    valid: (f) => ({ body: { ticketId: f.ticketId, status: "resolved" } }),
    foreign: (f) => ({ request: { body: { ticketId: f.ticketId, status: "resolved" } }, answer: notFound("ticket_not_found") }),
  },
  addMessages: {
    valid: (f) => ({ body: { ticketId: f.ticketId, messages: [{ role: "customer", content: "Still broken" }] } }),
    foreign: (f) => ({
      request: { body: { ticketId: f.ticketId, messages: [{ role: "customer", content: "x" }] } },
      answer: notFound("ticket_not_found"),
    }),
  },
  getAttachment: {
    // A JSON file, since the common tests read every success body as JSON.
    prepare: async (f) => {
      const id = attachmentOf(f.ticketId);
      await env.ATTACHMENTS.put(`attachments/${f.org.id}/${id}`, '{"hello":"world"}');
      await f.org.db
        .prepare(
          `insert into attachments (id, organization_id, ticket_id, position, ordinal, filename, content_type, size, r2_key, created_at)
         values (?, ?, ?, 0, 0, 'hello.json', 'application/json', 17, ?, ?)`,
        )
        .bind(id, f.org.id, f.ticketId, `attachments/${f.org.id}/${id}`, new Date().toISOString())
        .run();
    },
    valid: (f) => ({ params: { attachmentId: attachmentOf(f.ticketId) } }),
    foreign: (f) => ({ request: { params: { attachmentId: attachmentOf(f.ticketId) } }, answer: notFound("attachment_not_found") }),
  },
  getTicketEvents: {
    valid: (f) => ({ params: { ticketId: f.ticketId } }),
    foreign: (f) => ({ request: { params: { ticketId: f.ticketId } }, answer: notFound("ticket_not_found") }),
  },
  retryNotification: {
    // Only a failed notification can be retried.
    prepare: async (f) => {
      await f.org.db.prepare("update jobs set status = 'failed' where ticket_id = ? and kind = 'notify'").bind(f.ticketId).run();
    },
    valid: (f) => ({ body: { ticketId: f.ticketId } }),
    foreign: (f) => ({ request: { body: { ticketId: f.ticketId } }, answer: notFound("ticket_not_found") }),
  },
  createOrUpdateCustomer: {
    valid: (f) => ({ body: { telemetronCustomerId: f.customerId, email: f.customerEmail, name: "Owner Renamed" } }),
    foreign: (f) => ({
      request: { body: { telemetronCustomerId: f.customerId, email: "x@example.com", name: "Hijacked" } },
      answer: notFound("customer_not_found"),
    }),
  },
  queryCustomer: {
    valid: (f) => ({ body: { email: f.customerEmail } }),
    foreign: (f) => ({ request: { body: { email: f.customerEmail } }, answer: notFound("customer_not_found") }),
  },
  getCustomer: {
    valid: (f) => ({ params: { telemetronCustomerId: f.customerId } }),
    foreign: (f) => ({ request: { params: { telemetronCustomerId: f.customerId } }, answer: notFound("customer_not_found") }),
  },
  createOrUpdateDevice: {
    valid: (f) => ({ body: { identifier: f.deviceIdentifier, properties: { floor: 2 } } }),
    // Updating needs no type, creating does: the other organization's device is one this one must create.
    foreign: (f) => ({
      request: { body: { identifier: f.deviceIdentifier, properties: { floor: 2 } } },
      answer: { status: 400, code: "validation_failed" },
    }),
  },
  bulkUpdateDeviceMetadata: {
    valid: (f) => ({ body: { devices: { [f.deviceIdentifier]: { firmware: "2" } } } }),
    foreign: (f) => ({
      request: { body: { devices: { [f.deviceIdentifier]: { firmware: "2" } } } },
      answer: { status: 200, unseen: (json) => json.results.filter((r: { status: string }) => r.status !== "not_found") },
    }),
  },
  assignDeviceToOwners: {
    valid: (f) => ({ body: { deviceIdentifier: f.deviceIdentifier, customerEmails: ["second@example.com"] } }),
    foreign: (f) => ({
      request: { body: { deviceIdentifier: f.deviceIdentifier, customerEmails: [f.customerEmail] } },
      answer: notFound("device_not_found"),
    }),
  },
  assignDevicesToOwner: {
    valid: (f) => ({ body: { customerEmail: f.customerEmail, deviceIdentifiers: [f.deviceIdentifier] } }),
    // The other organization's device is skipped, and the customer is this organization's own.
    foreign: (f) => ({
      request: { body: { customerEmail: f.customerEmail, deviceIdentifiers: [f.deviceIdentifier] } },
      answer: {
        status: 200,
        unseen: (json) => [
          ...json.assignedDevices,
          ...json.alreadyAssigned,
          ...(json.customerId === f.customerId ? [json.customerId] : []),
        ],
      },
    }),
  },
  unassignDeviceFromOwner: {
    valid: (f) => ({ body: { customerEmail: f.customerEmail, deviceIdentifier: f.deviceIdentifier } }),
    foreign: (f) => ({
      request: { body: { customerEmail: f.customerEmail, deviceIdentifier: f.deviceIdentifier } },
      answer: notFound("customer_not_found"),
    }),
  },
  unassignDevicesFromOwner: {
    valid: (f) => ({ body: { customerEmail: f.customerEmail, deviceIdentifiers: [f.deviceIdentifier] } }),
    foreign: (f) => ({
      request: { body: { customerEmail: f.customerEmail, deviceIdentifiers: [f.deviceIdentifier] } },
      answer: notFound("customer_not_found"),
    }),
  },
  ...webhookRequests,
};

describe("the common route tests' request table", () => {
  it("covers every documented /api/ext-v1 operation, and only those", () => {
    const documented = operations.map((op) => op.operationId).sort();
    expect(documented.length).toBeGreaterThan(0);
    expect(Object.keys(requests).sort()).toEqual(documented);
  });
});

runCommonRouteTests(operations, requests);
