import type { SQL } from "drizzle-orm";
import { getTableColumns } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

/** One select field per column of `T`: a column of another table, or an aliased expression. */
export type RowOf<T extends SQLiteTable> = { [K in keyof T["_"]["columns"]]: SQLiteColumn | SQL.Aliased };

/**
 * The fields of an `INSERT … SELECT`, named after the table's columns and put in the table's
 * column order. Drizzle lists every column in the INSERT and pairs them with the SELECT by
 * position; naming each field (the type demands every column) and ordering them here means a
 * column added to the table, or fields written in another order, can never shift a value into the
 * wrong column.
 */
export const inTableOrder = <T extends SQLiteTable>(table: T, fields: RowOf<T>): RowOf<T> => {
  const ordered = {} as RowOf<T>;
  for (const key of Object.keys(getTableColumns(table)) as (keyof RowOf<T>)[]) ordered[key] = fields[key];
  return ordered;
};
