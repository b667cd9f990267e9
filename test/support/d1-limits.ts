/**
 * Production D1's limits, enforced on the local binding for the whole suite (the local simulator
 * accepts what production refuses). From https://developers.cloudflare.com/d1/platform/limits/:
 * at most 100 bound parameters per query, 100,000 bytes of SQL per statement, 2,000,000 bytes per
 * string or BLOB (bound, or produced by the query); and a result over 50 MB fails. A violation throws when the statement runs, as
 * D1 would, never when it is built.
 */
export const D1_LIMITS = { boundParameters: 100, sqlBytes: 100_000, valueBytes: 2_000_000, resultBytes: 50 * 1024 * 1024 };

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

const violation = (sql: string, params: unknown[]): string | undefined => {
  if (bytes(sql) > D1_LIMITS.sqlBytes) return `D1_ERROR: statement too long: ${bytes(sql)} bytes of SQL (limit ${D1_LIMITS.sqlBytes})`;
  if (params.length > D1_LIMITS.boundParameters)
    return `D1_ERROR: too many SQL variables: ${params.length} (limit ${D1_LIMITS.boundParameters})`;
  const big = params.find((p) => typeof p === "string" && bytes(p) > D1_LIMITS.valueBytes);
  if (big !== undefined) return `D1_ERROR: string or blob too big (limit ${D1_LIMITS.valueBytes} bytes)`;
  return undefined;
};

/** A string value over the limit anywhere in a result: SQLite (D1) could not have produced it. */
const tooBigValue = (value: unknown): boolean =>
  typeof value === "string"
    ? value.length > D1_LIMITS.valueBytes / 4 && bytes(value) > D1_LIMITS.valueBytes
    : typeof value === "object" && value !== null && Object.values(value).some(tooBigValue);

const checkResult = <T>(result: T): T => {
  const size = bytes(JSON.stringify(result) ?? "");
  if (size > D1_LIMITS.resultBytes) throw new Error(`D1_ERROR: result too large: ${size} bytes (limit ${D1_LIMITS.resultBytes})`);
  if (tooBigValue(result)) throw new Error(`D1_ERROR: string or blob too big (limit ${D1_LIMITS.valueBytes} bytes)`);
  return result;
};

type Tracked = { sql: string; params: unknown[]; stmt: D1PreparedStatement };
const tracked = new WeakMap<object, Tracked>();
const RUNS = new Set<PropertyKey>(["all", "raw", "run", "first"]);

const wrapStatement = (info: Tracked): D1PreparedStatement => {
  const proxy = new Proxy(info.stmt, {
    get(target, prop) {
      if (prop === "bind") return (...params: unknown[]) => wrapStatement({ sql: info.sql, params, stmt: target.bind(...params) });
      const value = Reflect.get(target, prop, target);
      if (RUNS.has(prop)) {
        return async (...args: unknown[]) => {
          const problem = violation(info.sql, info.params);
          if (problem) throw new Error(problem);
          return checkResult(await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  tracked.set(proxy, info);
  return proxy;
};

/** Wraps prepare/batch (and sessions') of a D1 binding or session in place of the originals. */
const patch = <D extends D1Database | D1DatabaseSession>(db: D): D => {
  const prepare = db.prepare.bind(db);
  const batch = db.batch.bind(db);
  Object.assign(db, {
    prepare: (sql: string) => wrapStatement({ sql, params: [], stmt: prepare(sql) }),
    batch: async (statements: D1PreparedStatement[]) => {
      const infos = statements.map((s) => tracked.get(s));
      for (const info of infos) {
        const problem = info && violation(info.sql, info.params);
        if (problem) throw new Error(problem);
      }
      return checkResult(await batch(statements.map((s, i) => infos[i]?.stmt ?? s)));
    },
  });
  if ("withSession" in db) {
    const withSession = db.withSession.bind(db);
    Object.assign(db, { withSession: (constraint?: string) => patch(withSession(constraint)) });
  }
  return db;
};

const patched = new WeakSet<object>();

/** Installs the limits on the binding once; the worker under test sees the same binding object. */
export const enforceD1Limits = (db: D1Database) => {
  if (patched.has(db)) return;
  patched.add(db);
  patch(db);
};
