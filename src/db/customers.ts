import { and, eq, ne, not, exists, sql, type SQL } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import { activeKey, inKeyOrg, keyOrganization } from "./auth";
import { apiKeys, categories, customers } from "./schema";
import { newId } from "../lib/ids";

const customerColumns = {
  id: customers.id,
  email: customers.email,
  name: customers.name,
  phone: customers.phone,
  categories: customers.categories,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
};

/** Key check and one customer of the key's organization, in one batch; `authorized: false` means 401. */
const findOne = async (db: Db, keyHash: string, where: SQL) => {
  const [auth, found] = await db.batch([
    keyOrganization(db, keyHash),
    db
      .select(customerColumns)
      .from(customers)
      .where(and(where, inKeyOrg(db, customers.organizationId, keyHash)))
      .limit(1),
  ]);
  return { authorized: auth.length > 0, customer: found[0] };
};

export const getCustomer = (db: Db, keyHash: string, customerId: string) => findOne(db, keyHash, eq(customers.id, customerId));

export const findCustomerByEmail = (db: Db, keyHash: string, email: string) =>
  findOne(db, keyHash, eq(customers.emailLower, email.trim().toLowerCase()));

/**
 * Categories a customer may carry: active ones of the organization that apply to customers
 * or to anything, among the wanted lower-cased names. The names travel as one JSON parameter,
 * which keeps every statement far below D1's 100 bound parameters.
 */
const customerCategory = (inOrganization: SQL, wantedLower: string[]) =>
  and(
    inOrganization,
    sql`${categories.nameLower} in (select value from json_each(${JSON.stringify(wantedLower)}))`,
    eq(categories.active, true),
    ne(categories.appliesTo, "ticket"),
  )!;

/** The canonical names, in the organization's category order, as the JSON array the column stores. */
const canonicalNames = (organizationId: SQLiteColumn, wantedLower: string[]) =>
  sql<string[]>`(select json_group_array(name) from (select ${categories.name} as name from ${categories}
    where ${customerCategory(eq(categories.organizationId, organizationId), wantedLower)} order by ${categories.position}))`;

/** Every wanted name is a valid customer category: the write happens only then. */
const allValid = (organizationId: SQLiteColumn, wantedLower: string[]) =>
  sql`(select count(*) from ${categories} where ${customerCategory(eq(categories.organizationId, organizationId), wantedLower)}) = ${wantedLower.length}`;

export type CustomerWrite = {
  email: string;
  name?: string | null;
  phone?: string | null;
  categories?: string[];
};

export type SaveOutcome =
  | { kind: "saved"; customerId: string }
  | { kind: "unauthorized" }
  | { kind: "unknown_categories"; names: string[] }
  | { kind: "email_taken" }
  | { kind: "not_found" };

const lowerUnique = (names: string[]) => [...new Set(names.map((n) => n.toLowerCase()))];

/** Which wanted names are not customer categories of the key's organization (for the 400). */
const unknownCategories = (wanted: string[] | undefined, found: { nameLower: string }[]) => {
  const known = new Set(found.map((f) => f.nameLower));
  return (wanted ?? []).filter((name) => !known.has(name.toLowerCase()));
};

const knownCategories = (db: Db, keyHash: string, wantedLower: string[]) =>
  db
    .select({ nameLower: categories.nameLower })
    .from(categories)
    .where(customerCategory(inKeyOrg(db, categories.organizationId, keyHash), wantedLower));

/**
 * Creates a customer in one batch: key check, category check and a conditional insert, so a
 * revoked key, an unknown category or a taken email (unique per organization) writes nothing.
 */
export const createCustomer = async (db: Db, keyHash: string, input: CustomerWrite, now: string): Promise<SaveOutcome> => {
  const wanted = lowerUnique(input.categories ?? []);
  const id = newId();
  const email = input.email.trim();
  const [auth, found, inserted] = await db.batch([
    keyOrganization(db, keyHash),
    knownCategories(db, keyHash, wanted),
    db
      .insert(customers)
      .select(
        db
          .select({
            id: sql<string>`${id}`.as("id"),
            organizationId: apiKeys.organizationId,
            email: sql<string>`${email}`.as("email"),
            emailLower: sql<string>`${email.toLowerCase()}`.as("email_lower"),
            name: sql<string | null>`${input.name ?? null}`.as("name"),
            phone: sql<string | null>`${input.phone ?? null}`.as("phone"),
            categories: (wanted.length ? canonicalNames(apiKeys.organizationId, wanted) : sql<string[]>`'[]'`).as("categories"),
            createdAt: sql<string>`${now}`.as("created_at"),
            updatedAt: sql<string>`${now}`.as("updated_at"),
          })
          .from(apiKeys)
          .where(and(activeKey(keyHash), wanted.length ? allValid(apiKeys.organizationId, wanted) : undefined)),
      )
      .onConflictDoNothing()
      .returning({ id: customers.id }),
  ]);
  if (auth.length === 0) return { kind: "unauthorized" };
  if (inserted[0]) return { kind: "saved", customerId: inserted[0].id };
  const unknown = unknownCategories(input.categories, found);
  if (unknown.length) return { kind: "unknown_categories", names: unknown };
  return { kind: "email_taken" };
};

const other = alias(customers, "other_customer");

/**
 * Updates a customer of the key's organization in one batch. Absent fields keep their value.
 * The email may change only to one no other customer of the organization has.
 */
export const updateCustomer = async (
  db: Db,
  keyHash: string,
  customerId: string,
  input: CustomerWrite,
  now: string,
): Promise<SaveOutcome> => {
  const wanted = input.categories && lowerUnique(input.categories);
  const email = input.email.trim();
  const emailLower = email.toLowerCase();
  const emailFree = not(
    exists(
      db
        .select({ one: sql`1` })
        .from(other)
        .where(
          and(
            eq(other.organizationId, customers.organizationId),
            eq(other.emailLower, emailLower),
            ne(other.id, customers.id),
          ),
        ),
    ),
  );
  const [auth, found, updated, existing] = await db.batch([
    keyOrganization(db, keyHash),
    knownCategories(db, keyHash, wanted ?? []),
    db
      .update(customers)
      .set({
        email,
        emailLower,
        name: input.name,
        phone: input.phone,
        categories: wanted && (wanted.length ? canonicalNames(customers.organizationId, wanted) : sql`'[]'`),
        updatedAt: now,
      })
      .where(
        and(
          eq(customers.id, customerId),
          inKeyOrg(db, customers.organizationId, keyHash),
          emailFree,
          wanted?.length ? allValid(customers.organizationId, wanted) : undefined,
        ),
      )
      .returning({ id: customers.id }),
    db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.id, customerId), inKeyOrg(db, customers.organizationId, keyHash))),
  ]);
  if (auth.length === 0) return { kind: "unauthorized" };
  if (updated[0]) return { kind: "saved", customerId: updated[0].id };
  if (!existing[0]) return { kind: "not_found" };
  const unknown = unknownCategories(input.categories, found);
  if (unknown.length) return { kind: "unknown_categories", names: unknown };
  return { kind: "email_taken" };
};
