import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import { apiKeys, categories, categoryLabels, categoryTerms, organizations, routingRules, type RuleCondition } from "./schema";
import { API_KEY_DISPLAY_LENGTH, generateApiKey, sha256Hex } from "../lib/crypto";
import { newId } from "../lib/ids";
import { namedBatch } from "./batch";
import { addressesOf, emailSettingsView } from "./email-settings";
import { apiKeyPrefix, newOrganizationId, shardOfOrganization } from "./shards";
import { variantsOf } from "./plans";
import { qualified } from "./sql";
import { type Cursor, encodeCursor } from "./ticket-queries";

/** A fresh key for an organization: the row to store (digest only) and the key to show once; its prefix names the organization's shard. */
export const mintApiKey = async (organizationId: string, now: string, label: string | null = null) => {
  const apiKey = generateApiKey(apiKeyPrefix(shardOfOrganization(organizationId)));
  const row = {
    id: newId(),
    organizationId,
    keyHash: await sha256Hex(apiKey),
    prefix: apiKey.slice(0, API_KEY_DISPLAY_LENGTH),
    label,
    createdAt: now,
  };
  return { apiKey, row };
};

type ApiKeyRow = Awaited<ReturnType<typeof mintApiKey>>["row"];

const insertOrganization = (db: Db, org: { id: string; name: string; slackWebhookUrl: string | null }, now: string) =>
  db.insert(organizations).values({ ...org, createdAt: now, updatedAt: now });

/** An API key row (its digest only, never the key). */
export const insertApiKey = (db: Db, row: ApiKeyRow) => db.insert(apiKeys).values(row);

/** createOrganization's batch: the organization and its first key, in one transaction. */
export const createOrganizationBatch = (
  db: Db,
  org: { id: string; name: string; slackWebhookUrl: string | null },
  key: ApiKeyRow,
  now: string,
) => ({
  organization: insertOrganization(db, org, now),
  apiKey: insertApiKey(db, key),
});

/** A new organization on `shard` (`db` is that shard's): its id and its first key carry the shard. */
export const createOrganization = async (db: Db, shard: number, input: { name: string; slackWebhookUrl?: string }, now: string) => {
  const id = newOrganizationId(shard);
  const { apiKey, row } = await mintApiKey(id, now);
  await namedBatch(db, createOrganizationBatch(db, { id, name: input.name, slackWebhookUrl: input.slackWebhookUrl ?? null }, row, now));
  return { id, name: input.name, shard, apiKey };
};

/** How many organizations a shard holds (placement: a new one goes to the shard with the fewest). */
export const organizationCount = async (db: Db) => (await db.select({ n: sql<number>`count(*)` }).from(organizations).get())?.n ?? 0;

/**
 * What the operator's per-shard summary shows of one shard, in one batch: organizations and tickets
 * (counts over the primary keys' indexes: a read of every row, billed as such, for an operator call),
 * and the database's size. `PRAGMA page_count` is refused by D1 (SQLITE_AUTH; `page_size` is allowed),
 * so the size is D1's own `meta.size_after` of the same batch: the database file's bytes, which is
 * page_count × page_size; `pages` is that over `PRAGMA page_size`.
 */
export const shardSummary = async (d1: D1Database) => {
  const [counts, pageSize] = await d1.batch<Record<string, number>>([
    d1.prepare("select (select count(*) from organizations) as organizations, (select count(*) from tickets) as tickets"),
    d1.prepare("pragma page_size"),
  ]);
  const bytes = counts?.meta.size_after ?? 0;
  const pageBytes = Number(pageSize?.results[0]?.page_size ?? 0);
  return {
    organizations: counts?.results[0]?.organizations ?? 0,
    tickets: counts?.results[0]?.tickets ?? 0,
    approximateBytes: bytes,
    pages: pageBytes ? Math.round(bytes / pageBytes) : null,
    pageSize: pageBytes || null,
  };
};

export const getOrganization = async (db: Db, orgId: string) => {
  const [orgs, keys, cats, rules, addresses] = await db.batch([
    db.select().from(organizations).where(eq(organizations.id, orgId)),
    db
      .select({ id: apiKeys.id, prefix: apiKeys.prefix, label: apiKeys.label, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.organizationId, orgId))
      .orderBy(asc(apiKeys.createdAt)),
    db
      .select({
        id: categories.id,
        name: categories.name,
        description: categories.description,
        appliesTo: categories.appliesTo,
        aiEnabled: categories.aiEnabled,
        autoResolve: categories.autoResolve,
        active: categories.active,
      })
      .from(categories)
      .where(eq(categories.organizationId, orgId))
      .orderBy(asc(categories.position)),
    db
      .select({ when: routingRules.when, assignTo: routingRules.assignTo, slackWebhookUrl: routingRules.slackWebhookUrl })
      .from(routingRules)
      .where(eq(routingRules.organizationId, orgId))
      .orderBy(asc(routingRules.position)),
    addressesOf(db, orgId),
  ]);
  const org = orgs[0];
  if (!org) return undefined;
  const { emailFromName, emailAutoAcknowledge, ...rest } = org;
  return {
    ...rest,
    email: emailSettingsView(
      { emailFromName, emailAutoAcknowledge },
      addresses.map((a) => a.address),
    ),
    apiKeys: keys,
    categories: cats,
    routingRules: rules,
  };
};

/** How many of the organization's keys are in `state` (a correlated count, so the page stays one statement). */
const keyCount = (state: "active" | "revoked") =>
  sql<number>`(select count(*) from ${apiKeys} where ${qualified(apiKeys.organizationId)} = ${qualified(organizations.id)} and ${qualified(apiKeys.revokedAt)} ${state === "active" ? sql`is null` : sql`is not null`})`;

/**
 * Every organization, newest first, keyset-paginated on (created_at, id) like listTickets, with how
 * many keys each has live and revoked: counts only, never a key's value, digest or prefix.
 * Fetches one extra row to know whether a next page exists.
 */
export const listOrganizationsPage = (db: Db, limit: number, after?: Cursor) =>
  db
    .select({
      id: organizations.id,
      name: organizations.name,
      slackWebhookUrl: organizations.slackWebhookUrl,
      createdAt: organizations.createdAt,
      updatedAt: organizations.updatedAt,
      keyCount: keyCount("active").as("key_count"),
      revokedKeyCount: keyCount("revoked").as("revoked_key_count"),
    })
    .from(organizations)
    .where(
      after &&
        or(lt(organizations.createdAt, after.createdAt), and(eq(organizations.createdAt, after.createdAt), lt(organizations.id, after.id))),
    )
    .orderBy(desc(organizations.createdAt), desc(organizations.id))
    .limit(limit + 1);

type OrganizationRow = Awaited<ReturnType<typeof listOrganizationsPage>>[number];

/**
 * The deployment's page: each shard's page (same cursor, one statement each) merged newest first.
 * The cursor is a position in the one (created_at, id) order, so it pages every shard at once.
 */
export const mergeOrganizationPages = (pages: { shard: number; rows: OrganizationRow[] }[], limit: number) => {
  const rows = pages
    .flatMap(({ shard, rows }) => rows.map((row) => ({ ...row, shard })))
    .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { organizations: page, nextCursor: hasMore && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
};

export const organizationExists = async (db: Db, orgId: string) =>
  (await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).get()) !== undefined;

/** One statement, returned unsent (its caller awaits it), so test/sql/ renders this very builder. */
export const updateOrganization = (db: Db, orgId: string, patch: { name?: string; slackWebhookUrl?: string | null }, now: string) =>
  db
    .update(organizations)
    .set({ ...patch, updatedAt: now })
    .where(eq(organizations.id, orgId))
    .returning({ id: organizations.id });

/** What of an organization update changes its SQL: which fields it sets (`null` clears the webhook). */
export const UPDATE_ORGANIZATION_VARIANTS = variantsOf({ name: [false, true], slackWebhookUrl: ["absent", "given", "cleared"] } as const);

export const addApiKey = async (db: Db, orgId: string, label: string | null, now: string) => {
  const { apiKey, row } = await mintApiKey(orgId, now, label);
  await insertApiKey(db, row);
  return { id: row.id, apiKey, label };
};

/** Revokes the organization's live key `keyId` (a revoked one stays as it was). */
export const revokeApiKeyStatement = (db: Db, orgId: string, keyId: string, now: string) =>
  db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.organizationId, orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });

/** Revocation is immediate: every request checks `revoked_at` in its own batch, nothing caches keys. */
export const revokeApiKey = async (db: Db, orgId: string, keyId: string, now: string) => {
  const rows = await revokeApiKeyStatement(db, orgId, keyId, now);
  return rows.length > 0;
};

type CategoryInput = Omit<typeof categories.$inferInsert, "id" | "organizationId" | "nameLower" | "position" | "createdAt" | "updatedAt">;

type CategoryRow = typeof categories.$inferInsert;

/** The rows of an organization's category list, in its order. */
const categoryRows = (orgId: string, list: CategoryInput[], now: string): CategoryRow[] =>
  list.map((c, position) => ({
    ...c,
    id: newId(),
    organizationId: orgId,
    nameLower: c.name.toLowerCase(),
    position,
    createdAt: now,
    updatedAt: now,
  }));

/** Statement names for a list's rows, one per row, in order (`category1`, `category2`…: words, so the batch keeps its order). */
const each = <T, S>(prefix: string, rows: T[], statement: (row: T) => S) =>
  Object.fromEntries(rows.map((row, i) => [`${prefix}${i + 1}`, statement(row)]));

/**
 * replaceCategories' batch: the organization's categories deleted, what the classifier learned for
 * a category the list drops deleted with them (one JSON value bound, however many names; a category
 * that stays, even renamed only in case, keeps its statistics), then one insert per category (one row
 * per statement keeps each insert well under D1's 100 bound parameters).
 */
export const replaceCategoriesBatch = (db: Db, orgId: string, rows: CategoryRow[]) => {
  const kept = JSON.stringify(rows.map((r) => r.nameLower));
  const dropped = (table: typeof categoryTerms | typeof categoryLabels) =>
    db.delete(table).where(and(eq(table.organizationId, orgId), sql`${table.category} not in (select value from json_each(${kept}))`));
  return {
    deleteCategories: db.delete(categories).where(eq(categories.organizationId, orgId)),
    dropTerms: dropped(categoryTerms),
    dropLabels: dropped(categoryLabels),
    ...each("category", rows, (r) => db.insert(categories).values(r)),
  };
};

/** Replaces the organization's categories in one transaction. */
export const replaceCategories = async (db: Db, orgId: string, list: CategoryInput[], now: string) => {
  await namedBatch(db, replaceCategoriesBatch(db, orgId, categoryRows(orgId, list, now)));
};

export const categoryNames = async (db: Db, orgId: string) =>
  (await db.select({ nameLower: categories.nameLower }).from(categories).where(eq(categories.organizationId, orgId))).map(
    (c) => c.nameLower,
  );

type RuleRow = typeof routingRules.$inferInsert;

/** replaceRoutingRules' batch: the organization's rules deleted, then one insert per rule, in order. */
export const replaceRoutingRulesBatch = (db: Db, orgId: string, rows: RuleRow[]) => ({
  deleteRules: db.delete(routingRules).where(eq(routingRules.organizationId, orgId)),
  ...each("rule", rows, (r) => db.insert(routingRules).values(r)),
});

export const replaceRoutingRules = async (
  db: Db,
  orgId: string,
  list: { when: RuleCondition; assignTo: string; slackWebhookUrl?: string }[],
  now: string,
) => {
  const rows = list.map((r, position) => ({
    id: newId(),
    organizationId: orgId,
    position,
    when: r.when,
    assignTo: r.assignTo,
    slackWebhookUrl: r.slackWebhookUrl ?? null,
    createdAt: now,
  }));
  const batch = replaceRoutingRulesBatch(db, orgId, rows);
  // No rules: the delete alone, one statement.
  if (rows.length === 0) await batch.deleteRules;
  else await namedBatch(db, batch);
};
