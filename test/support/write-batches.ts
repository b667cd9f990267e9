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
  claimJobStatement,
  recordRetry,
} from "../../src/db/job-outcomes";
import { claimStaleJobsBatch } from "../../src/db/outbox-sweep";
import { emailAddressesBatch, replaceEmailSettingsBatch } from "../../src/db/email-settings";
import { newEmailTicketBatch, recordBounceBatch } from "../../src/db/email-inbound";
import { OUTBOUND_EMAIL_KINDS, recordEmailFailedBatch, recordEmailSentBatch } from "../../src/db/email-outbound";
import {
  createOrganizationBatch,
  insertApiKey,
  replaceCategoriesBatch,
  replaceRoutingRulesBatch,
  revokeApiKeyStatement,
  UPDATE_ORGANIZATION_VARIANTS,
  updateOrganization,
} from "../../src/db/organizations";
import { renderer } from "../../src/db/plans";
import { JOB_KINDS } from "../../src/db/schema";
import { JOB_HANDLERS } from "../../src/jobs/registry";
import { SWEEP, SWEPT_KINDS } from "../../src/jobs/sweeper";
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
const orgId = v("organizationId");

/** One statement that is a write of its own, as a batch of one. */
const single = (name: string, statement: Renderable) => ({ [name]: statement });

const category = (n: number) => ({
  id: v(`categoryId${n}`),
  organizationId: orgId,
  name: v(`name${n}`),
  nameLower: v(`nameLower${n}`),
  description: v(`description${n}`),
  appliesTo: "any" as const,
  aiEnabled: true,
  autoResolve: false,
  active: true,
  position: n - 1,
  createdAt: now,
  updatedAt: now,
});

const rule = (n: number) => ({
  id: v(`ruleId${n}`),
  organizationId: orgId,
  position: n - 1,
  when: { ticketCategory: v(`category${n}`) },
  assignTo: v(`assignTo${n}`),
  slackWebhookUrl: v(`slackWebhookUrl${n}`),
  createdAt: now,
});

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
  {
    file: "record-email-sent",
    operation: "recordEmailSent (an email job's email went out)",
    variants: OUTBOUND_EMAIL_KINDS.map((kind) => ({
      label: kind,
      statements: recordEmailSentBatch(
        db,
        {
          ticketId: v("ticketId"),
          jobId: v("jobId"),
          attempts: 1,
          kind,
          to: v("to"),
          messageId: v("messageId"),
          composedMessageId: v("composedMessageId"),
        },
        now,
        { event: v("eventId"), sent: v("sentRowId"), composed: v("composedRowId") },
      ),
    })),
  },
  {
    file: "record-email-failed",
    operation: "recordEmailFailed (an email that can never be sent)",
    variants: [
      {
        label: "failed",
        statements: recordEmailFailedBatch(db, { ticketId: v("ticketId"), jobId: v("jobId"), attempts: 1, error: v("error") }, now, {
          event: v("eventId"),
        }),
      },
    ],
  },
  {
    file: "claim-job",
    operation: "claimJob (a notify, event or email job's lease)",
    variants: [{ label: "lease", statements: single("claimed", claimJobStatement(db, v("jobId"), now, v("until"))) }],
  },
  {
    file: "record-retry",
    operation: "recordRetry (a delivery that will be retried)",
    variants: [
      ...[false, true].flatMap((error) =>
        [false, true].map((lease) => ({
          label: label({ error, lease }),
          statements: single(
            "retry",
            recordRetry(db, v("jobId"), 2, error ? v("error") : null, v("redeliverAt"), now, lease ? v("lease") : undefined),
          ),
        })),
      ),
    ],
  },
  {
    file: "claim-stale-jobs",
    operation: "claimStaleJobs (one round of the outbox sweeper)",
    variants: [
      {
        label: "SWEEP's limits, SWEPT_KINDS from JOB_HANDLERS",
        statements: claimStaleJobsBatch(db, {
          now,
          staleBefore: v("staleBefore"),
          limit: SWEEP.claimPerRound,
          purgeLimit: SWEEP.purgePerRound,
          kinds: SWEPT_KINDS,
        }),
      },
    ],
  },
  {
    file: "create-organization",
    operation: "createOrganization",
    variants: [
      {
        label: "with its first key",
        statements: createOrganizationBatch(
          db,
          { id: orgId, name: v("name"), slackWebhookUrl: v("slackWebhookUrl") },
          { id: v("keyId"), organizationId: orgId, keyHash, prefix: v("prefix"), label: null, createdAt: now },
          now,
        ),
      },
    ],
  },
  {
    file: "update-organization",
    operation: "updateOrganization",
    variants: UPDATE_ORGANIZATION_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: single(
        "organization",
        updateOrganization(
          db,
          orgId,
          {
            ...(variant.name ? { name: v("name") } : {}),
            ...(variant.slackWebhookUrl === "absent" ? {} : { slackWebhookUrl: pick(variant.slackWebhookUrl, v("slackWebhookUrl")) }),
          },
          now,
        ),
      ),
    })),
  },
  {
    file: "email-new-ticket",
    operation: "a new ticket by email (email() handler)",
    variants: [0, 2].map((count) => ({
      label: `${count} attachments`,
      statements: newEmailTicketBatch(db, {
        organizationId: orgId,
        emailRowId: v("emailRowId"),
        messageId: v("messageId"),
        sender: v("sender"),
        senderName: v("senderName"),
        ticketId: v("ticketId"),
        customerId: v("customerId"),
        title: v("title"),
        description: v("description"),
        message: { role: "customer", content: v("content"), from: v("sender") },
        terms: v("terms"),
        replyToken: v("replyToken"),
        attachments: Array.from({ length: count }, (_, i) => ({
          id: v(`attachmentId${i + 1}`),
          filename: v(`filename${i + 1}`),
          contentType: v(`contentType${i + 1}`),
          size: i + 1,
          r2Key: v(`r2Key${i + 1}`),
        })),
        skipped: [],
        acknowledge: true,
        ids: {
          categorizeJob: v("categorizeJobId"),
          notifyJob: v("notifyJobId"),
          ackJob: v("ackJobId"),
          createdEvent: v("createdEventId"),
          receivedEvent: v("receivedEventId"),
        },
        since: v("since"),
        now,
      }),
    })),
  },
  {
    file: "email-bounce",
    operation: "a bounce of a message we sent (email() handler)",
    variants: [
      {
        label: "bounce",
        statements: recordBounceBatch(
          db,
          {
            ticketId: v("ticketId"),
            organizationId: orgId,
            emailRowId: v("emailRowId"),
            eventId: v("eventId"),
            messageId: v("messageId"),
            reason: v("reason"),
          },
          now,
        ),
      },
    ],
  },
  {
    file: "update-organization-email",
    operation: "updateOrganization with `email` (its statements follow the organization's update in one batch)",
    variants: [
      {
        label: "two addresses",
        statements: replaceEmailSettingsBatch(
          db,
          orgId,
          { addresses: [v("address1"), v("address2")], fromName: v("fromName"), autoAcknowledge: true },
          now,
        ),
      },
      { label: "turned off (null)", statements: replaceEmailSettingsBatch(db, orgId, null, now) },
      {
        label: "two addresses, the copy on a shard other than 0 (a stale row of another organization gives way)",
        statements: replaceEmailSettingsBatch(db, orgId, { addresses: [v("address1"), v("address2")], fromName: v("fromName") }, now, true),
      },
    ],
  },
  {
    file: "claim-email-addresses",
    operation: "updateOrganization with `email`, for an organization on another shard: its addresses in shard 0's directory, first",
    variants: [{ label: "two addresses", statements: emailAddressesBatch(db, orgId, { addresses: [v("address1"), v("address2")] }, now) }],
  },
  {
    file: "add-api-key",
    operation: "addApiKey",
    variants: [
      {
        label: "labelled key",
        statements: single(
          "apiKey",
          insertApiKey(db, { id: v("keyId"), organizationId: orgId, keyHash, prefix: v("prefix"), label: v("label"), createdAt: now }),
        ),
      },
    ],
  },
  {
    file: "revoke-api-key",
    operation: "revokeApiKey",
    variants: [{ label: "live key", statements: single("revoked", revokeApiKeyStatement(db, orgId, v("keyId"), now)) }],
  },
  {
    file: "replace-categories",
    operation: "replaceCategories",
    variants: [0, 2].map((count) => ({
      label: `${count} categories`,
      statements: replaceCategoriesBatch(
        db,
        orgId,
        Array.from({ length: count }, (_, i) => category(i + 1)),
      ),
    })),
  },
  {
    file: "replace-routing-rules",
    operation: "replaceRoutingRules (no rules: its delete alone, one statement)",
    variants: [0, 2].map((count) => ({
      label: `${count} rules`,
      statements: replaceRoutingRulesBatch(
        db,
        orgId,
        Array.from({ length: count }, (_, i) => rule(i + 1)),
      ),
    })),
  },
];
