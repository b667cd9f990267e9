import { drizzle } from "drizzle-orm/d1";

/** A Drizzle instance that only renders SQL text; it never runs a query. */
export const renderer = drizzle({} as D1Database);

/**
 * Caches a hot path's rendered statements per variant and isolate: Drizzle renders the SQL text
 * (with `sql.placeholder()` for every value) once, and each request only binds its values with
 * `fillPlaceholders`. Rendering on every request was half of createTicket's worker CPU.
 */
export const renderedOnce = <V, P>(build: (variant: V) => P, keyOf: (variant: V) => string) => {
  const plans = new Map<string, P>();
  return (variant: V): P => {
    const key = keyOf(variant);
    let plan = plans.get(key);
    if (!plan) {
      plan = build(variant);
      plans.set(key, plan);
    }
    return plan;
  };
};
