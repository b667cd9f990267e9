import {
  CREATE_CUSTOMER_VARIANTS,
  createCustomerBatch,
  type CustomerWrite,
  UPDATE_CUSTOMER_VARIANTS,
  updateCustomerBatch,
} from "../../src/db/customers";
import {
  ASSIGN_VARIANTS,
  assignDevicesToOwnerBatch,
  assignDeviceToOwnersBatch,
  unassignDevicesBatch,
} from "../../src/db/device-assignments";
import { replaceDeviceMetadataBatch, SAVE_DEVICE_VARIANTS, saveDeviceBatch } from "../../src/db/devices";
import { REDRIVE_VARIANTS, redriveFailedJobsBatch, retryNotificationBatch } from "../../src/db/job-retry";
import {
  CATEGORIZATION_VARIANTS,
  NOTIFICATION_OUTCOMES,
  recordCategorizationBatch,
  recordDeadLetterBatch,
  recordEventNotificationBatch,
  recordNotificationBatch,
  recordRoutingBatch,
} from "../../src/db/job-outcomes";
import { renderer } from "../../src/db/plans";
import { JOB_KINDS } from "../../src/db/schema";
import { JOB_HANDLERS } from "../../src/jobs/registry";
import { type TicketChange, UPDATE_TICKET_VARIANTS, updateTicketBatch } from "../../src/db/ticket-update";
import { requestValue as v } from "./sql-golden";

/**
 * The write batches built per request from named builders (not pre-rendered like createTicket's),
 * each with every variant whose SQL differs, built by the code's own batch function on a
 * rendering-only Drizzle instance: test/sql/<file>.sql holds their SQL (`npm run sql:golden`).
 */
export type WriteBatch = { file: string; operation: string; variants: { label: string; statements: Record<string, Renderable> }[] };
type Renderable = { toSQL(): { sql: string; params: unknown[] } };

const db = renderer;
const label = (variant: Record<string, unknown>) => JSON.stringify(variant);
const now = v("now");
const keyHash = v("keyHash");

/** A field's request value for a variant: absent, a value, or `null` (cleared). */
const pick = <T>(state: "absent" | "given" | "cleared", given: T) => (state === "absent" ? undefined : state === "given" ? given : null);

export const WRITE_BATCHES: WriteBatch[] = [
  {
    file: "update-ticket",
    operation: "updateTicket",
    variants: UPDATE_TICKET_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: updateTicketBatch(db, {
        keyHash,
        ticketId: v("ticketId"),
        change: {
          status: variant.status === "given" ? (v("status") as TicketChange["status"]) : undefined,
          priority: variant.priority === "given" ? (v("priority") as TicketChange["priority"]) : undefined,
          assignee: pick(variant.assignee, v("assignee")),
          category: pick(variant.category, v("category")),
        },
        expectedUpdatedAt: variant.expectedUpdatedAt === "given" ? v("expectedUpdatedAt") : undefined,
        now,
        ids: {
          status: v("statusEventId"),
          priority: v("priorityEventId"),
          assignee: v("assigneeEventId"),
          category: v("categoryEventId"),
          eventJob: v("eventJobId"),
          routeJob: v("routeJobId"),
        },
      }),
    })),
  },
  {
    file: "create-customer",
    operation: "createCustomer",
    variants: CREATE_CUSTOMER_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: createCustomerBatch(db, {
        keyHash,
        input: {
          email: v("email"),
          name: v("name"),
          phone: v("phone"),
          address: v("address"),
          metadata: { key: v("value") },
          categories: variant.categories ? [v("category")] : undefined,
        },
        id: v("customerId"),
        now,
      }),
    })),
  },
  {
    file: "update-customer",
    operation: "updateCustomer",
    variants: UPDATE_CUSTOMER_VARIANTS.map((variant) => {
      const field = <T>(given: T) => pick(variant.fields, given);
      const input: CustomerWrite = {
        email: v("email"),
        name: field(v("name")),
        phone: field(v("phone")),
        address: field(v("address")),
        metadata: field({ key: v("value") }),
        categories: variant.categories ? [v("category")] : undefined,
      };
      return { label: label(variant), statements: updateCustomerBatch(db, { keyHash, customerId: v("customerId"), input, now }) };
    }),
  },
  {
    file: "save-device",
    operation: "saveDevice",
    variants: SAVE_DEVICE_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: saveDeviceBatch(db, {
        keyHash,
        input: {
          identifier: v("identifier"),
          type: variant.type ? v("type") : undefined,
          properties: variant.properties ? { key: v("value") } : undefined,
          categories: variant.categories ? [v("category")] : undefined,
        },
        id: v("deviceId"),
        now,
      }),
    })),
  },
  {
    file: "replace-device-metadata",
    operation: "replaceDeviceMetadata",
    variants: [
      {
        label: "two devices",
        statements: replaceDeviceMetadataBatch(db, {
          keyHash,
          trimmed: [
            [v("identifier1"), { key: v("value1") }],
            [v("identifier2"), { key: v("value2") }],
          ],
          now,
        }),
      },
    ],
  },
  {
    file: "assign-device-to-owners",
    operation: "assignDeviceToOwners",
    variants: ASSIGN_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: assignDeviceToOwnersBatch(db, {
        keyHash,
        input: {
          identifier: v("identifier"),
          emails: [v("email1"), v("email2")],
          create: variant.create ? { type: v("type") } : undefined,
        },
        device: { identifier: v("identifier"), id: v("deviceId") },
        owners: [
          { email: v("email1"), id: v("customerId1"), name: v("name1") },
          { email: v("email2"), id: v("customerId2"), name: v("name2") },
        ],
        now,
      }),
    })),
  },
  {
    file: "assign-devices-to-owner",
    operation: "assignDevicesToOwner",
    variants: ASSIGN_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: assignDevicesToOwnerBatch(db, {
        keyHash,
        input: {
          email: v("email"),
          identifiers: [v("identifier1"), v("identifier2")],
          create: variant.create ? { type: v("type") } : undefined,
        },
        owner: { email: v("email"), id: v("customerId"), name: v("name") },
        wanted: [
          { identifier: v("identifier1"), id: v("deviceId1") },
          { identifier: v("identifier2"), id: v("deviceId2") },
        ],
        now,
      }),
    })),
  },
  {
    file: "unassign-devices",
    operation: "unassignDevices",
    variants: [
      {
        label: "two devices",
        statements: unassignDevicesBatch(db, keyHash, { email: v("email"), identifiers: [v("identifier1"), v("identifier2")] }),
      },
    ],
  },
  {
    file: "retry-notification",
    operation: "retryNotification",
    variants: [{ label: "a ticket's failed posts", statements: retryNotificationBatch(db, keyHash, v("ticketId"), now) }],
  },
  {
    file: "redrive-failed-jobs",
    operation: "redriveFailedJobs (the operator's re-drive, one round)",
    variants: REDRIVE_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: redriveFailedJobsBatch(
        db,
        v("organizationId"),
        { kind: variant.kind ? (v("kind") as (typeof JOB_KINDS)[number]) : undefined, since: variant.since ? v("since") : undefined },
        now,
      ),
    })),
  },
  {
    file: "record-categorization",
    operation: "recordCategorization (the categorize job's outcome)",
    variants: CATEGORIZATION_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: recordCategorizationBatch(
        db,
        {
          ticketId: v("ticketId"),
          jobId: v("jobId"),
          attempts: 1,
          changes: {
            category: variant.source === null ? null : v("category"),
            categorySource: variant.source,
            categoryConfidence: variant.source === null ? null : 0.9,
            categorization: variant.source === "request" ? "skipped" : "done",
            assignee: v("assignee"),
            ...(variant.autoResolved ? { status: "resolved" as const } : {}),
            ...(variant.notified ? {} : { notification: "skipped" as const }),
          },
          notifyWebhook: variant.notified ? v("notifyWebhook") : null,
          routeWebhook: v("routeWebhook"),
        },
        now,
        { categorized: v("categorizedEventId"), autoResolved: v("autoResolvedEventId"), assigned: v("assignedEventId") },
      ),
    })),
  },
  {
    file: "record-routing",
    operation: "recordRouting (the route job's outcome)",
    variants: [
      {
        label: "routed",
        statements: recordRoutingBatch(
          db,
          { ticketId: v("ticketId"), jobId: v("jobId"), attempts: 1, assignee: v("assignee"), webhookUrl: v("webhookUrl") },
          now,
          { assigned: v("assignedEventId") },
        ),
      },
    ],
  },
  {
    file: "record-notification",
    operation: "recordNotification (the notify job's outcome)",
    variants: NOTIFICATION_OUTCOMES.map((notification) => ({
      label: notification,
      statements: recordNotificationBatch(
        db,
        {
          ticketId: v("ticketId"),
          jobId: v("jobId"),
          attempts: 1,
          notification,
          error: notification === "failed" ? v("error") : undefined,
        },
        now,
        { event: v("eventId") },
      ),
    })),
  },
  {
    file: "record-event-notification",
    operation: "recordEventNotification (the event job's outcome)",
    variants: NOTIFICATION_OUTCOMES.map((outcome) => ({
      label: outcome,
      statements: recordEventNotificationBatch(
        db,
        {
          ticketId: v("ticketId"),
          jobId: v("jobId"),
          eventId: v("postedEventId"),
          attempts: 1,
          outcome,
          error: outcome === "failed" ? v("error") : undefined,
        },
        now,
        { event: v("eventId") },
      ),
    })),
  },
  {
    file: "record-dead-letter",
    operation: "recordDeadLetter (a job that exhausted its retries), per job kind as JOB_HANDLERS declares",
    variants: JOB_KINDS.map((kind) => ({
      label: kind,
      statements: recordDeadLetterBatch(
        db,
        { ticketId: v("ticketId"), jobId: v("jobId"), attempts: 5, error: v("error"), fails: JOB_HANDLERS[kind].deadLetter.fails },
        now,
        { event: v("eventId") },
      ),
    })),
  },
];
