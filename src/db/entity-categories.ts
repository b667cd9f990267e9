import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import { inKeyOrg } from "./auth";
import { categories } from "./schema";

/** The kinds of thing a category can label; a category with `appliesTo: "any"` labels all three. */
export type CategoryTarget = "ticket" | "customer" | "device";

/** Active categories meant for `target`: the ones a ticket, customer or device may carry. */
export const categoryFor = (target: CategoryTarget): SQL =>
  and(eq(categories.active, true), inArray(categories.appliesTo, [target, "any"]))!;

/**
 * Categories of one organization meant for `target`, among the wanted lower-cased names. The
 * names travel as one JSON parameter, which keeps every statement far below D1's 100 bound
 * parameters (https://developers.cloudflare.com/d1/platform/limits/).
 */
const wantedCategory = (target: CategoryTarget, inOrganization: SQL, wantedLower: string[]) =>
  and(inOrganization, sql`${categories.nameLower} in (select value from json_each(${JSON.stringify(wantedLower)}))`, categoryFor(target))!;

/** The canonical names, in the organization's category order, as the JSON array the column stores. */
export const canonicalNames = (target: CategoryTarget, organizationId: SQLiteColumn, wantedLower: string[]) =>
  wantedLower.length === 0
    ? sql<string[]>`'[]'`
    : sql<string[]>`(select json_group_array(name) from (select ${categories.name} as name from ${categories}
    where ${wantedCategory(target, eq(categories.organizationId, organizationId), wantedLower)} order by ${categories.position}))`;

/** Every wanted name is a valid category for `target`: the write happens only then. */
export const allValid = (target: CategoryTarget, organizationId: SQLiteColumn, wantedLower: string[]) =>
  wantedLower.length === 0
    ? undefined
    : sql`(select count(*) from ${categories} where ${wantedCategory(target, eq(categories.organizationId, organizationId), wantedLower)}) = ${wantedLower.length}`;

/** The wanted names that are valid for `target` in the key's organization (read in the write's batch, for the 400). */
export const knownCategories = (db: Db, keyHash: string, target: CategoryTarget, wantedLower: string[]) =>
  db
    .select({ nameLower: categories.nameLower })
    .from(categories)
    .where(wantedCategory(target, inKeyOrg(db, categories.organizationId, keyHash), wantedLower));

export const lowerUnique = (names: readonly string[]) => [...new Set(names.map((n) => n.toLowerCase()))];

/** Which wanted names are not valid categories (as sent), from what `knownCategories` found. */
export const unknownCategories = (wanted: readonly string[] | undefined, found: readonly { nameLower: string }[]) => {
  const known = new Set(found.map((f) => f.nameLower));
  return (wanted ?? []).filter((name) => !known.has(name.toLowerCase()));
};
