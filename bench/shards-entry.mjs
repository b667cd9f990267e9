// Entry module for `npm run bench:shards`: the worker under test (the real bundle) runs unchanged,
// but each of its D1 shards is a simulated single writer. Production D1 runs one query at a time
// per database (D1 limits page, "How much work can a D1 database do?": about 1,000 queries/s at
// 1 ms each, https://developers.cloudflare.com/d1/platform/limits/), so here every batch waits its
// turn on its shard and then holds that shard for PER_QUERY_MS per statement in it; batches on
// different shards do not wait for each other. The SQL's answer comes from memory (the first batch
// of each SQL shape runs on the shard's real local D1 and is replayed for later ones, as in
// bench/replaying.mjs): locally SQLite would run on the worker's own thread, which production D1
// does not, and it would cap every shard count at this machine's one core. Queue sends and the rate
// limiter return at once. POST /__bench/load drives the load from inside the isolate (no HTTP
// parsing on the same thread), so what the numbers show is the writers' queueing plus the worker's
// own CPU, at 1, 2, 4 or 8 shards.
// @ts-expect-error -- worker.js is the bundle under test, given to workerd as a module (bench/shards.mjs).
import worker from "./worker.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const recorded = new Map();

/** One shard's writer: batches start in arrival order, each holding it for its statements × perQueryMs. */
const writer = (perQueryMs) => {
  const state = { freeAt: 0, batches: 0, statements: 0, busyMs: 0 };
  const hold = async (statements) => {
    const now = Date.now();
    const start = Math.max(now, state.freeAt);
    const service = statements * perQueryMs;
    state.freeAt = start + service;
    state.batches++;
    state.statements += statements;
    state.busyMs += service;
    await sleep(state.freeAt - now);
  };
  return { state, hold };
};

const simulatedShard = (db, shardWriter) => {
  const sqlOf = new WeakMap();
  const statement = (stmt, sql) => {
    const wrapped = {
      bind: (...args) => statement(stmt.bind(...args), sql),
      // Single statements outside a batch (the once-per-isolate schema check): straight to the real database.
      first: (...args) => stmt.first(...args),
      all: () => stmt.all(),
      run: () => stmt.run(),
      raw: (...args) => stmt.raw(...args),
    };
    sqlOf.set(wrapped, { stmt, sql });
    return wrapped;
  };
  const session = () => ({
    prepare: (sql) => statement(db.prepare(sql), sql),
    getBookmark: () => null,
    batch: async (stmts) => {
      await shardWriter.hold(stmts.length);
      const key = stmts.map((s) => sqlOf.get(s).sql).join("\n;\n");
      if (!recorded.has(key)) recorded.set(key, JSON.stringify(await db.batch(stmts.map((s) => sqlOf.get(s).stmt))));
      return JSON.parse(recorded.get(key));
    },
  });
  return { ...session(), withSession: () => session() };
};

const instantQueue = { send: async () => {}, sendBatch: async () => {} };
const openLimiter = { limit: async () => ({ success: true }) };

/** The bodies of the mix, in rotation: a new customer, a known one with a category, a chat transcript. */
const bodyFor = (i) => {
  switch (i % 3) {
    case 0:
      return {
        title: "Charged twice for the March invoice",
        description: "Two charges of $49.00 on March 3rd.",
        customerEmail: `new-${i}@example.org`,
      };
    case 1:
      return {
        title: "Cannot log in after password reset",
        description: "The login page says invalid.",
        customerEmail: `CUSTOMER${i % 20}@EXAMPLE.COM`,
        category: "Billing",
      };
    default:
      return {
        title: "App crashes on Settings",
        customerEmail: `customer${i % 20}@example.com`,
        messages: [
          { role: "customer", content: "The mobile app crashes as soon as I open the Settings tab." },
          { role: "bot", content: "Which app version are you using?" },
          { role: "customer", content: "Version 4.12.1 on a Pixel 7." },
        ],
      };
  }
};

let shards;

export default {
  async fetch(request, env, ctx) {
    const perQueryMs = Number(env.BENCH_PER_QUERY_MS);
    const names = env.D1_SHARDS.split(",");
    shards ??= names.map((name) => ({ name, writer: writer(perQueryMs) }));
    const simulated = { ...env, JOBS: instantQueue, WEBHOOKS: instantQueue, RATE_LIMITER: openLimiter };
    for (const s of shards) simulated[s.name] = simulatedShard(env[s.name], s.writer);
    const url = new URL(request.url);
    if (url.pathname !== "/__bench/load") return worker.fetch(request, simulated, ctx);

    const { durationMs, clients, keys } = await request.json();
    for (const s of shards) Object.assign(s.writer.state, { batches: 0, statements: 0, busyMs: 0 });
    const latencies = [];
    const failures = [];
    let next = 0;
    const started = Date.now();
    const deadline = started + durationMs;
    const client = async (c) => {
      const key = keys[c % keys.length];
      while (Date.now() < deadline) {
        const body = JSON.stringify(bodyFor(next++));
        const t0 = Date.now();
        const res = await worker.fetch(
          new Request("https://bench.local/api/ext-v1/ticket/createTicket", {
            method: "POST",
            headers: { "x-api-key": key, "content-type": "application/json" },
            body,
          }),
          simulated,
          ctx,
        );
        const text = await res.text();
        latencies.push(Date.now() - t0);
        if (res.status !== 200) failures.push(`${res.status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
    const seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    return Response.json({
      requests: latencies.length,
      seconds,
      rps: latencies.length / seconds,
      p50: at(50),
      p99: at(99),
      failures: failures.slice(0, 5),
      failureCount: failures.length,
      shards: shards.map((s) => ({ ...s.writer.state, utilization: s.writer.state.busyMs / (seconds * 1000) })),
    });
  },
};
