import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";

type Statement = BatchItem<"sqlite">;

/** Each statement's result under the statement's name, typed as Drizzle types a batch result. */
export type NamedBatchResult<T extends Record<string, Statement>> = { [K in keyof T]: T[K]["_"]["result"] };

/**
 * Drizzle's `db.batch` (one D1 round trip, one transaction) with its results keyed by name instead
 * of by position, so a statement added to a batch cannot silently change what another result means.
 * Statements run in the object's key order, which is the order they are written in: name them with
 * words, since JavaScript puts integer-like keys ("0", "1") first whatever their place.
 */
export const namedBatch = async <T extends Record<string, Statement>>(db: Db, statements: T): Promise<NamedBatchResult<T>> => {
  const names = Object.keys(statements);
  // Drizzle types a batch as a non-empty tuple; the names carry the types back out below.
  const results: unknown[] = await db.batch(names.map((name) => statements[name]!) as [Statement, ...Statement[]]);
  return Object.fromEntries(names.map((name, i) => [name, results[i]])) as NamedBatchResult<T>;
};
