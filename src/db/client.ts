import { drizzle } from "drizzle-orm/d1";

export type Db = ReturnType<typeof drizzle>;

// Bindings are stable within an isolate; reuse one Drizzle wrapper per binding or session.
const cache = new WeakMap<object, Db>();

/** Drizzle over a D1 database or a D1 session (read replicas); both speak prepare/batch. */
export const createDb = (d1: D1Database | D1DatabaseSession): Db => {
  let db = cache.get(d1);
  if (!db) {
    db = drizzle(d1 as D1Database);
    cache.set(d1, db);
  }
  return db;
};
