import { fillPlaceholders } from "drizzle-orm";
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

/** Runs a rendered plan as one D1 batch (one round trip, one transaction), its placeholders filled from `values`. */
export const runPlan = (
  d1: D1Database | D1DatabaseSession,
  plan: readonly { sql: string; params: unknown[] }[],
  values: Record<string, unknown>,
) => d1.batch(plan.map((s) => d1.prepare(s.sql).bind(...fillPlaceholders(s.params, values))));
