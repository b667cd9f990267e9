import { and, eq, ne, not, exists, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import * as z from "zod/mini";
import type { Db } from "./client";
import { activeKey, inKeyOrg, keyOrganization } from "./auth";
import { namedBatch } from "./batch";
import { inTableOrder } from "./insert-select";
import { variantsOf } from "./plans";
import { allValid, canonicalNames, knownCategories, lowerUnique, unknownCategories } from "./entity-categories";
import { apiKeys, customers, deviceAssignments, devices } from "./schema";
import { newId } from "../lib/ids";

/** Telemetron names a customer by the part of the email before `@` unless told otherwise. */
export const emailPrefix = (email: string) => email.slice(0, Math.max(0, email.indexOf("@")));

/**
 * A customer's `devices` lists at most this many identifiers (oldest assignments first). Telemetron
 * lists them all, but one JSON string from D1 may be at most 2 MB and one result 50 MB
 * (https://developers.cloudflare.com/d1/platform/limits/): 5,000 identifiers of the maximum 255
 * characters are 1.3 MB. `deviceCount` says how many there are in all.
 */
export const MAX_LISTED_DEVICES = 5_000;

const identifierList = z.array(z.string());

/**
 * Identifiers of the devices assigned to the customer of the enclosing query's row, oldest
 * assignment first, as a JSON array. Written with its own aliases and a qualified outer column:
 * Drizzle renders columns unqualified in single-table queries, where `created_at` or `id` would
 * be ambiguous, or bind to the wrong table, inside this subquery. D1 returns the array as JSON
 * text; Drizzle parses it into the row (`mapWith`), so no reader casts it.
 */
export const assignedIdentifiers = () =>
  sql`(select json_group_array(identifier) from (select d.identifier as identifier
    from ${deviceAssignments} as a join ${devices} as d on d.id = a.device_id
    where a.customer_id = ${sql.identifier("customers")}.${sql.identifier("id")}
    order by a.created_at, d.identifier limit ${MAX_LISTED_DEVICES}))`.mapWith((json: string) => identifierList.parse(JSON.parse(json)));

/** How many devices the customer of the enclosing query's row has, listed or not. */
const assignedCount = () =>
  sql<number>`(select count(*) from ${deviceAssignments} as a where a.customer_id = ${sql.identifier("customers")}.${sql.identifier("id")})`;

const customerColumns = {
  id: customers.id,
  organizationId: customers.organizationId,
  name: customers.name,
  email: customers.email,
  phone: customers.phone,
  address: customers.address,
  devices: assignedIdentifiers().as("devices"),
  deviceCount: assignedCount().as("device_count"),
  metadata: customers.metadata,
  categories: customers.categories,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};

const selectCustomers = (db: Db) => db.select(customerColumns).from(customers);
type CustomerRow = Awaited<ReturnType<typeof selectCustomers>>[number];

/**
 * The customer object exactly as Telemetron's read endpoints return it, at the top level, plus
 * our extras (`success`, `categories`, `updatedAt`). Nothing writes orders, so `orders` is `[]`.
 */
const toCustomerView = (row: CustomerRow) => ({
  success: true as const,
  id: row.id,
  organizationId: row.organizationId,
  name: row.name ?? emailPrefix(row.email),
  email: row.email,
  // Telemetron documents both "(if provided)": absent rather than null, which a client typing
  // `phone?: string` would reject.
  ...(row.phone === null ? {} : { phone: row.phone }),
  ...(row.address === null ? {} : { address: row.address }),
  devices: row.devices,
  deviceCount: row.deviceCount,
  orders: [] as string[],
  metadata: row.metadata,
  categories: row.categories,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export type CustomerView = ReturnType<typeof toCustomerView>;

/** Key check and one customer of the key's organization, in one batch; `authorized: false` means 401. */
const findOne = async (db: Db, keyHash: string, where: SQL) => {
  const [auth, found] = await db.batch([
    keyOrganization(db, keyHash),
    selectCustomers(db)
      .where(and(where, inKeyOrg(db, customers.organizationId, keyHash)))
      .limit(1),
  ]);
  return { authorized: auth.length > 0, customer: found[0] && toCustomerView(found[0]) };
};

export const getCustomer = (db: Db, keyHash: string, customerId: string) => findOne(db, keyHash, eq(customers.id, customerId));

export const findCustomerByEmail = (db: Db, keyHash: string, email: string) =>
  findOne(db, keyHash, eq(customers.emailLower, email.trim().toLowerCase()));

export type CustomerWrite = {
  email: string;
  name?: string | null;
  phone?: string | null;
  address?: string | null;
  metadata?: Record<string, unknown> | null;
  categories?: string[];
};

export type SaveOutcome =
  | { kind: "saved"; customerId: string }
  | { kind: "unauthorized" }
  | { kind: "unknown_categories"; names: string[] }
  /** The organization already has a customer with this email: that customer's id. */
  | { kind: "email_taken"; existingId: string }
  | { kind: "not_found" };

/** The customer of the key's organization that has this email, for the 409's `telemetronCustomerId`. */
const holderOfEmail = (db: Db, keyHash: string, emailLower: string) =>
  db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.emailLower, emailLower), inKeyOrg(db, customers.organizationId, keyHash)))
    .limit(1);

/** Inserts the customer (`id`) into the key's organization if every wanted category is valid; nothing on a taken email. */
const insertCustomer = (db: Db, keyHash: string, input: CustomerWrite, id: string, wanted: string[], now: string) => {
  const email = input.email.trim();
  return db
    .insert(customers)
    .select(
      db
        .select(
          inTableOrder(customers, {
            id: sql<string>`${id}`.as("id"),
            organizationId: apiKeys.organizationId,
            email: sql<string>`${email}`.as("email"),
            emailLower: sql<string>`${email.toLowerCase()}`.as("email_lower"),
            name: sql<string>`${input.name ?? emailPrefix(email)}`.as("name"),
            phone: sql<string | null>`${input.phone ?? null}`.as("phone"),
            address: sql<string | null>`${input.address ?? null}`.as("address"),
            metadata: sql<Record<string, unknown>>`${JSON.stringify(input.metadata ?? {})}`.as("metadata"),
            categories: canonicalNames("customer", apiKeys.organizationId, wanted).as("categories"),
            createdAt: sql<string>`${now}`.as("created_at"),
            updatedAt: sql<string>`${now}`.as("updated_at"),
          }),
        )
        .from(apiKeys)
        .where(and(activeKey(keyHash), allValid("customer", apiKeys.organizationId, wanted))),
    )
    .onConflictDoNothing()
    .returning({ id: customers.id });
};

/** createCustomer's batch, each statement under its name, in batch order. */
export const createCustomerBatch = (db: Db, r: { keyHash: string; input: CustomerWrite; id: string; now: string }) => {
  const wanted = lowerUnique(r.input.categories ?? []);
  return {
    auth: keyOrganization(db, r.keyHash),
    knownCategories: knownCategories(db, r.keyHash, "customer", wanted),
    inserted: insertCustomer(db, r.keyHash, r.input, r.id, wanted, r.now),
    holder: holderOfEmail(db, r.keyHash, r.input.email.trim().toLowerCase()),
  };
};

/** Whether createCustomer's request names categories, which changes its SQL. */
export const CREATE_CUSTOMER_VARIANTS = variantsOf({ categories: [false, true] });

/**
 * Creates a customer in one batch: key check, category check and a conditional insert, so a
 * revoked key, an unknown category or a taken email (unique per organization) writes nothing.
 */
export const createCustomer = async (db: Db, keyHash: string, input: CustomerWrite, now: string): Promise<SaveOutcome> => {
  const {
    auth,
    knownCategories: found,
    inserted,
    holder,
  } = await namedBatch(db, createCustomerBatch(db, { keyHash, input, id: newId(), now }));
  if (auth.length === 0) return { kind: "unauthorized" };
  if (inserted[0]) return { kind: "saved", customerId: inserted[0].id };
  const unknown = unknownCategories(input.categories, found);
  if (unknown.length) return { kind: "unknown_categories", names: unknown };
  return { kind: "email_taken", existingId: holder[0]!.id };
};

const other = alias(customers, "other_customer");

/** No other customer of the organization than the one updated has this email. */
const emailFree = (db: Db, emailLower: string) =>
  not(
    exists(
      db
        .select({ one: sql`1` })
        .from(other)
        .where(and(eq(other.organizationId, customers.organizationId), eq(other.emailLower, emailLower), ne(other.id, customers.id))),
    ),
  );

/** Updates the customer of the key's organization if its new email is free and every wanted category valid. */
const updateCustomerRow = (
  db: Db,
  keyHash: string,
  customerId: string,
  input: CustomerWrite,
  wanted: string[] | undefined,
  now: string,
) => {
  const email = input.email.trim();
  return db
    .update(customers)
    .set({
      email,
      emailLower: email.toLowerCase(),
      name: input.name === null ? emailPrefix(email) : input.name,
      phone: input.phone,
      address: input.address,
      metadata: input.metadata === null ? {} : input.metadata,
      categories: wanted && canonicalNames("customer", customers.organizationId, wanted),
      updatedAt: now,
    })
    .where(
      and(
        eq(customers.id, customerId),
        inKeyOrg(db, customers.organizationId, keyHash),
        emailFree(db, email.toLowerCase()),
        wanted && allValid("customer", customers.organizationId, wanted),
      ),
    )
    .returning({ id: customers.id });
};

/** The customer of the key's organization, whatever the update did (404 vs 409). */
const customerExists = (db: Db, keyHash: string, customerId: string) =>
  db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.id, customerId), inKeyOrg(db, customers.organizationId, keyHash)));

/** updateCustomer's batch, each statement under its name, in batch order. */
export const updateCustomerBatch = (db: Db, r: { keyHash: string; customerId: string; input: CustomerWrite; now: string }) => {
  const wanted = r.input.categories && lowerUnique(r.input.categories);
  return {
    auth: keyOrganization(db, r.keyHash),
    knownCategories: knownCategories(db, r.keyHash, "customer", wanted ?? []),
    updated: updateCustomerRow(db, r.keyHash, r.customerId, r.input, wanted, r.now),
    existing: customerExists(db, r.keyHash, r.customerId),
    holder: holderOfEmail(db, r.keyHash, r.input.email.trim().toLowerCase()),
  };
};

/**
 * What of updateCustomer's request changes its SQL: its optional fields (name, phone, address,
 * metadata) absent, given or cleared with `null` (a test variant sets them all alike), and its
 * categories absent or given.
 */
export const UPDATE_CUSTOMER_VARIANTS = variantsOf({ fields: ["absent", "given", "cleared"], categories: [false, true] } as const);

/**
 * Updates a customer of the key's organization in one batch. Absent fields keep their value;
 * `null` clears an optional one (a cleared name falls back to the email prefix, metadata to `{}`).
 * The email may change only to one no other customer of the organization has.
 */
export const updateCustomer = async (
  db: Db,
  keyHash: string,
  customerId: string,
  input: CustomerWrite,
  now: string,
): Promise<SaveOutcome> => {
  const {
    auth,
    knownCategories: found,
    updated,
    existing,
    holder,
  } = await namedBatch(db, updateCustomerBatch(db, { keyHash, customerId, input, now }));
  if (auth.length === 0) return { kind: "unauthorized" };
  if (updated[0]) return { kind: "saved", customerId: updated[0].id };
  if (!existing[0]) return { kind: "not_found" };
  const unknown = unknownCategories(input.categories, found);
  if (unknown.length) return { kind: "unknown_categories", names: unknown };
  return { kind: "email_taken", existingId: holder[0]!.id };
};
