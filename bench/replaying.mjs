// Entry module for the CPU pass: the worker under test runs unchanged, but its D1 batches are
// answered from memory (the first batch of each SQL shape runs on the real local D1 and its
// result is replayed for later ones), queue sends and the rate limiter return at once.
// What remains in workerd is the worker's own work plus HTTP, which a null worker measures.
// @ts-expect-error -- worker.js is the bundle under test, given to workerd as a module (bench/runtime.mjs).
import worker from "./worker.js";

const recorded = new Map();

const replayingD1 = (db) => {
  const sqlOf = new WeakMap();
  const statement = (stmt, sql) => {
    const wrapped = {
      bind: (...args) => statement(stmt.bind(...args), sql),
      // A statement on its own (the once-per-isolate schema check, src/db/shard-schema.ts) runs for real.
      first: (...args) => stmt.first(...args),
      all: () => stmt.all(),
      run: () => stmt.run(),
      raw: (...args) => stmt.raw(...args),
    };
    sqlOf.set(wrapped, { stmt, sql });
    return wrapped;
  };
  return {
    withSession: () => replayingD1(db),
    getBookmark: () => null,
    prepare: (sql) => statement(db.prepare(sql), sql),
    batch: async (stmts) => {
      const key = stmts.map((s) => sqlOf.get(s).sql).join("\n;\n");
      if (!recorded.has(key)) recorded.set(key, JSON.stringify(await db.batch(stmts.map((s) => sqlOf.get(s).stmt))));
      return JSON.parse(recorded.get(key));
    },
  };
};

const instantQueue = { send: async () => {}, sendBatch: async () => {} };
const openLimiter = { limit: async () => ({ success: true }) };

export default {
  /** `target`: the worker to run (bench/looping.mjs passes its own import of the same bundle). */
  fetch(request, env, ctx, target = worker) {
    return target.fetch(request, { ...env, DB: replayingD1(env.DB), JOBS: instantQueue, RATE_LIMITER: openLimiter }, ctx);
  },
};
