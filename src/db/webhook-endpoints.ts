import { and, desc, eq, lt, max, or, sql } from "drizzle-orm";
import { activeKey, inKeyOrg, keyOrganization } from "./auth";
import { namedBatch } from "./batch";
import type { Db } from "./client";
import { inTableOrder } from "./insert-select";
import { apiKeys, ticketEvents } from "./schema";
import { qualified } from "./sql";
import type { Cursor } from "./ticket-queries";
import { type DELIVERY_STATES, WEBHOOK_EVENT_TYPES, type WebhookEventType, webhookDeliveries, webhookEndpoints } from "./webhook-schema";

/** At most this many endpoints per organization (the contract's limit). */
export const MAX_WEBHOOK_ENDPOINTS = 10;

/** How long the secret replaced by a rotation keeps signing. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  description: webhookEndpoints.description,
  disabledReason: webhookEndpoints.disabledReason,
  lastSuccessAt: webhookEndpoints.lastSuccessAt,
  lastFailureAt: webhookEndpoints.lastFailureAt,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

type EndpointRow = { [K in keyof typeof endpointColumns]: (typeof webhookEndpoints.$inferSelect)[K] };

/** An endpoint as the API shows it: `events` lists what it receives (every type when it subscribed to all). */
export const toEndpointView = (row: EndpointRow) => ({ ...row, events: row.events ?? [...WEBHOOK_EVENT_TYPES] });
export type EndpointView = ReturnType<typeof toEndpointView>;

export type NewEndpoint = { id: string; url: string; events?: WebhookEventType[]; description?: string | null; sealedSecret: string };

/**
 * createEndpoint in one batch: the insert selects the key's organization and holds only while it
 * has fewer than MAX_WEBHOOK_ENDPOINTS (a batch is one transaction on D1's single writer, so two
 * concurrent creates cannot both take the last place); the key check says 401 from limit apart.
 */
export const createEndpoint = async (db: Db, keyHash: string, input: NewEndpoint, now: string) => {
  const count = sql`(select count(*) from webhook_endpoints as we where we.organization_id = ${qualified(apiKeys.organizationId)})`;
  const { inserted, auth } = await namedBatch(db, {
    inserted: db
      .insert(webhookEndpoints)
      .select(
        db
          .select(
            inTableOrder(webhookEndpoints, {
              id: sql<string>`${input.id}`.as("id"),
              organizationId: apiKeys.organizationId,
              url: sql<string>`${input.url}`.as("url"),
              description: sql<string | null>`${input.description ?? null}`.as("description"),
              events: sql`${input.events ? JSON.stringify([...new Set(input.events)]) : null}`.as("events"),
              enabled: sql`1`.as("enabled"),
              disabledReason: sql`null`.as("disabled_reason"),
              secret: sql<string>`${input.sealedSecret}`.as("secret"),
              previousSecret: sql`null`.as("previous_secret"),
              previousSecretExpiresAt: sql`null`.as("previous_secret_expires_at"),
              lastSuccessAt: sql`null`.as("last_success_at"),
              lastFailureAt: sql`null`.as("last_failure_at"),
              failingSince: sql`null`.as("failing_since"),
              createdAt: sql<string>`${now}`.as("created_at"),
              updatedAt: sql<string>`${now}`.as("updated_at"),
            }),
          )
          .from(apiKeys)
          .where(and(activeKey(keyHash), sql`${count} < ${MAX_WEBHOOK_ENDPOINTS}`)),
      )
      .returning(endpointColumns),
    auth: keyOrganization(db, keyHash),
  });
  if (auth.length === 0) return { kind: "unauthorized" as const };
  const row = inserted[0];
  return row ? { kind: "created" as const, endpoint: toEndpointView(row) } : { kind: "limit" as const };
};

export const listEndpoints = async (db: Db, keyHash: string) => {
  const { auth, rows } = await namedBatch(db, {
    auth: keyOrganization(db, keyHash),
    rows: db
      .select(endpointColumns)
      .from(webhookEndpoints)
      .where(inKeyOrg(db, webhookEndpoints.organizationId, keyHash))
      .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id),
  });
  return { authorized: auth.length > 0, endpoints: rows.map(toEndpointView) };
};

const thisEndpoint = (db: Db, keyHash: string, endpointId: string) =>
  and(eq(webhookEndpoints.id, endpointId), inKeyOrg(db, webhookEndpoints.organizationId, keyHash))!;

export type EndpointChange = { url?: string; events?: WebhookEventType[]; enabled?: boolean; description?: string | null };

/** updateEndpoint in one batch. Enabling clears why the worker had disabled it and its failure streak. */
export const updateEndpoint = async (db: Db, keyHash: string, endpointId: string, change: EndpointChange, now: string) => {
  const { auth, updated } = await namedBatch(db, {
    auth: keyOrganization(db, keyHash),
    updated: db
      .update(webhookEndpoints)
      .set({
        url: change.url,
        events: change.events ? [...new Set(change.events)] : undefined,
        description: change.description,
        ...(change.enabled === undefined
          ? {}
          : change.enabled
            ? { enabled: true, disabledReason: null, failingSince: null }
            : { enabled: false, disabledReason: null }),
        updatedAt: now,
      })
      .where(thisEndpoint(db, keyHash, endpointId))
      .returning(endpointColumns),
  });
  if (auth.length === 0) return { kind: "unauthorized" as const };
  const row = updated[0];
  return row ? { kind: "updated" as const, endpoint: toEndpointView(row) } : { kind: "not_found" as const };
};

/** deleteEndpoint: its deliveries go with it (ON DELETE CASCADE). */
export const deleteEndpoint = async (db: Db, keyHash: string, endpointId: string) => {
  const { auth, deleted } = await namedBatch(db, {
    auth: keyOrganization(db, keyHash),
    deleted: db
      .delete(webhookEndpoints)
      .where(thisEndpoint(db, keyHash, endpointId))
      .returning({ id: webhookEndpoints.id }),
  });
  if (auth.length === 0) return { kind: "unauthorized" as const };
  return deleted.length ? { kind: "deleted" as const } : { kind: "not_found" as const };
};

/**
 * rotateSecret: the new secret signs from now on and the current one moves to `previous_secret`,
 * signing beside it until `now` + ROTATION_OVERLAP_MS. A second rotation within the overlap drops
 * the oldest secret: at most two ever sign.
 */
export const rotateSecret = async (db: Db, keyHash: string, endpointId: string, sealedSecret: string, now: string) => {
  const { auth, rotated } = await namedBatch(db, {
    auth: keyOrganization(db, keyHash),
    rotated: db
      .update(webhookEndpoints)
      .set({
        previousSecret: sql`${webhookEndpoints.secret}`,
        previousSecretExpiresAt: new Date(Date.parse(now) + ROTATION_OVERLAP_MS).toISOString(),
        secret: sealedSecret,
        updatedAt: now,
      })
      .where(thisEndpoint(db, keyHash, endpointId))
      .returning({ id: webhookEndpoints.id }),
  });
  if (auth.length === 0) return { kind: "unauthorized" as const };
  return rotated.length ? { kind: "rotated" as const } : { kind: "not_found" as const };
};

const deliveryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  eventId: webhookDeliveries.eventId,
  eventType: webhookDeliveries.eventType,
  attempt: webhookDeliveries.attempt,
  status: webhookDeliveries.status,
  responseStatus: webhookDeliveries.responseStatus,
  error: webhookDeliveries.error,
  durationMs: webhookDeliveries.durationMs,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  createdAt: webhookDeliveries.createdAt,
};

export type DeliveryFilters = { endpointId?: string; status?: (typeof DELIVERY_STATES)[number] };

/** listDeliveries: one entry per attempt, newest first, keyset-paginated on (created_at, id). */
export const listDeliveries = async (db: Db, keyHash: string, filters: DeliveryFilters, limit: number, before?: Cursor) => {
  const { auth, endpoint, rows } = await namedBatch(db, {
    auth: keyOrganization(db, keyHash),
    // An endpoint filter naming another organization's (or no) endpoint is a 404, not an empty page.
    endpoint: db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(thisEndpoint(db, keyHash, filters.endpointId ?? "")),
    rows: db
      .select(deliveryColumns)
      .from(webhookDeliveries)
      .where(
        and(
          inKeyOrg(db, webhookDeliveries.organizationId, keyHash),
          filters.endpointId !== undefined ? eq(webhookDeliveries.endpointId, filters.endpointId) : undefined,
          filters.status ? eq(webhookDeliveries.status, filters.status) : undefined,
          before &&
            or(
              lt(webhookDeliveries.createdAt, before.createdAt),
              and(eq(webhookDeliveries.createdAt, before.createdAt), lt(webhookDeliveries.id, before.id)),
            ),
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(limit + 1),
  });
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return {
    authorized: auth.length > 0,
    endpointFound: filters.endpointId === undefined || endpoint.length > 0,
    deliveries: page,
    last: hasMore ? page.at(-1) : undefined,
  };
};

/**
 * redeliver: a fresh delivery of the event to the endpoint, both the key's organization's, as
 * attempt 1 of a new round (so its retries follow the schedule from the start), stamped as
 * enqueued: the handler sends its message after the response, the sweeper re-sends a lost one.
 */
export const redeliver = async (db: Db, keyHash: string, input: { id: string; eventId: string; endpointId: string }, now: string) => {
  const nextRound = db
    .select({ round: sql<number>`coalesce(${max(webhookDeliveries.round)}, -1) + 1` })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, input.endpointId), eq(webhookDeliveries.eventId, input.eventId)));
  const { auth, inserted, endpoint } = await namedBatch(db, {
    auth: keyOrganization(db, keyHash),
    inserted: db
      .insert(webhookDeliveries)
      .select(
        db
          .select(
            inTableOrder(webhookDeliveries, {
              id: sql<string>`${input.id}`.as("id"),
              organizationId: webhookEndpoints.organizationId,
              endpointId: webhookEndpoints.id,
              eventId: ticketEvents.id,
              eventType: sql<string>`'ticket.' || ${ticketEvents.type}`.as("event_type"),
              round: sql<number>`(${nextRound})`.as("round"),
              attempt: sql<number>`1`.as("attempt"),
              status: sql<string>`'pending'`.as("status"),
              responseStatus: sql`null`.as("response_status"),
              error: sql`null`.as("error"),
              durationMs: sql`null`.as("duration_ms"),
              nextAttemptAt: sql<string>`${now}`.as("next_attempt_at"),
              enqueuedAt: sql<string>`${now}`.as("enqueued_at"),
              leasedUntil: sql`null`.as("leased_until"),
              createdAt: sql<string>`${now}`.as("created_at"),
              updatedAt: sql<string>`${now}`.as("updated_at"),
            }),
          )
          .from(webhookEndpoints)
          .innerJoin(ticketEvents, eq(ticketEvents.organizationId, webhookEndpoints.organizationId))
          .where(and(thisEndpoint(db, keyHash, input.endpointId), eq(ticketEvents.id, input.eventId))),
      )
      .returning(deliveryColumns),
    endpoint: db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(thisEndpoint(db, keyHash, input.endpointId)),
  });
  if (auth.length === 0) return { kind: "unauthorized" as const };
  const row = inserted[0];
  if (row) return { kind: "queued" as const, delivery: row };
  // Nothing inserted with the endpoint found: the event is not one of the organization's.
  return endpoint.length === 0 ? { kind: "endpoint_not_found" as const } : { kind: "event_not_found" as const };
};
