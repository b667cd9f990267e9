import { fillPlaceholders } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";

/** A Drizzle instance that only renders SQL text; it never runs a query. */
export const renderer = drizzle({} as D1Database);

/** One statement as Drizzle renders it: SQL text with `?`, and its params (placeholders or constants). */
export type Rendered = { sql: string; params: unknown[] };

/** A batch's statements by name, in batch order; a statement its variant leaves out is `undefined`. */
type Statements = Record<string, { toSQL(): Rendered } | undefined>;

/** A rendered batch: each statement's text under its name, in batch order. */
export type Plan<S extends Statements = Statements> = { [K in keyof S]: S[K] extends undefined ? Rendered | undefined : Rendered };

/** Renders named statements into a plan, leaving out those its variant does not run. */
export const renderPlan = <S extends Statements>(statements: S): Plan<S> =>
  Object.fromEntries(Object.entries(statements).flatMap(([name, s]) => (s ? [[name, s.toSQL()]] : []))) as Plan<S>;

/** The variants a plan has: one value of each of its options. */
export type VariantOf<O extends Record<string, readonly unknown[]>> = { -readonly [K in keyof O]: O[K][number] };

/** Every combination of a plan's options, in a stable order: all the variants it can render. */
export const variantsOf = <O extends Record<string, readonly unknown[]>>(options: O): VariantOf<O>[] =>
  Object.entries(options).reduce<Record<string, unknown>[]>(
    (partial, [option, values]) => partial.flatMap((variant) => values.map((value) => ({ ...variant, [option]: value }))),
    [{}],
  ) as VariantOf<O>[];

/**
 * Caches a hot path's rendered statements per variant and isolate: Drizzle renders the SQL text
 * (with `sql.placeholder()` for every value) once, and each request only binds its values with
 * `fillPlaceholders`. Rendering on every request was half of createTicket's worker CPU.
 * test/sql/ holds the text of every variant (`npm run sql:golden`).
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

/** Each statement's raw D1 result under its name; one a variant left out is `undefined`. */
export type PlanResults<P extends Plan> = { [K in keyof P]: P[K] extends undefined ? D1Result | undefined : D1Result };

/**
 * Runs a rendered plan as one D1 batch (one round trip, one transaction), its placeholders filled
 * from `values`, with the results keyed by statement name (like `namedBatch`, for pre-rendered SQL).
 */
export const runPlan = async <P extends Plan>(
  d1: D1Database | D1DatabaseSession,
  plan: P,
  values: Record<string, unknown>,
): Promise<PlanResults<P>> => {
  const names = Object.keys(plan).filter((name) => plan[name] !== undefined);
  const results = await d1.batch(names.map((name) => d1.prepare(plan[name]!.sql).bind(...fillPlaceholders(plan[name]!.params, values))));
  return Object.fromEntries(names.map((name, i) => [name, results[i]])) as PlanResults<P>;
};
