// Entry module for the counting pass: wraps the worker under test so every D1 round trip
// (a batch, an exec, or one statement's first/all/run/raw) and every queue send is counted
// per request and reported in response headers. Only used for counting, never for timing.
// @ts-expect-error -- worker.js is the bundle under test, given to workerd as a module (bench/runtime.mjs).
import worker from "./worker.js";

const countingStatement = (stmt, counts, unwrap) => {
  const wrapped = {
    bind: (...args) => countingStatement(stmt.bind(...args), counts, unwrap),
    first: (...args) => (counts.d1++, stmt.first(...args)),
    all: () => (counts.d1++, stmt.all()),
    run: () => (counts.d1++, stmt.run()),
    raw: (...args) => (counts.d1++, stmt.raw(...args)),
  };
  unwrap.set(wrapped, stmt);
  return wrapped;
};

const countingD1 = (db, counts) => {
  const unwrap = new WeakMap();
  const wrapped = {
    prepare: (query) => countingStatement(db.prepare(query), counts, unwrap),
    batch: async (stmts) => {
      counts.d1++;
      const results = await db.batch(stmts.map((s) => unwrap.get(s) ?? s));
      // What D1 bills: rows written (index entries included) and rows read, per statement.
      for (const r of results) {
        counts.rowsWritten += r.meta?.rows_written ?? 0;
        counts.rowsRead += r.meta?.rows_read ?? 0;
      }
      return results;
    },
    exec: (query) => (counts.d1++, db.exec(query)),
    withSession: (bookmark) => countingD1(db.withSession(bookmark), counts),
    getBookmark: () => db.getBookmark?.(),
    dump: () => db.dump(),
  };
  return wrapped;
};

const countingQueue = (queue, counts) => ({
  send: (body, opts) => {
    counts.queueSends++;
    counts.queueCalls++;
    return queue.send(body, opts);
  },
  sendBatch: (msgs, opts) => {
    counts.queueSends += msgs.length;
    counts.queueCalls++;
    return queue.sendBatch(msgs, opts);
  },
});

export default {
  async fetch(request, env, ctx) {
    const counts = { d1: 0, queueSends: 0, queueCalls: 0, rowsWritten: 0, rowsRead: 0 };
    const countedEnv = { ...env, DB: countingD1(env.DB, counts), JOBS: countingQueue(env.JOBS, counts) };
    const res = await worker.fetch(request, countedEnv, ctx);
    const out = new Response(res.body, res);
    out.headers.set("x-bench-d1-round-trips", String(counts.d1));
    out.headers.set("x-bench-queue-sends", String(counts.queueSends));
    out.headers.set("x-bench-queue-calls", String(counts.queueCalls));
    out.headers.set("x-bench-d1-rows", `${counts.rowsWritten}/${counts.rowsRead}`);
    return out;
  },
};
