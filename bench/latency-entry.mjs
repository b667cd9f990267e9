// Entry module for the latency pass: the worker under test runs unchanged, but every D1 round trip
// (a batch, or one statement's first/all/run/raw) and every queue send first waits the round-trip
// time the request names in `x-bench-rtt-ms`: the time from the Cloudflare location that runs the
// worker to the D1 primary (and the queue, assumed beside it). The local work then runs as usual.
// `x-bench-await-background: 1` also waits for the work the worker handed to `ctx.waitUntil`
// before answering: createTicket as it was before it sent its queue message after the response.
// @ts-expect-error -- worker.js is the bundle under test, given to workerd as a module (bench/runtime.mjs).
import worker from "./worker.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const distantStatement = (stmt, rtt, unwrap) => {
  const wrapped = {
    bind: (...args) => distantStatement(stmt.bind(...args), rtt, unwrap),
    first: async (...args) => (await sleep(rtt), stmt.first(...args)),
    all: async () => (await sleep(rtt), stmt.all()),
    run: async () => (await sleep(rtt), stmt.run()),
    raw: async (...args) => (await sleep(rtt), stmt.raw(...args)),
  };
  unwrap.set(wrapped, stmt);
  return wrapped;
};

const distantD1 = (db, rtt) => {
  const unwrap = new WeakMap();
  return {
    prepare: (query) => distantStatement(db.prepare(query), rtt, unwrap),
    batch: async (stmts) => (await sleep(rtt), db.batch(stmts.map((s) => unwrap.get(s) ?? s))),
    withSession: (bookmark) => distantD1(db.withSession(bookmark), rtt),
    getBookmark: () => db.getBookmark?.() ?? null,
  };
};

const distantQueue = (queue, rtt) => ({
  send: async (body, opts) => (await sleep(rtt), queue.send(body, opts)),
  sendBatch: async (msgs, opts) => (await sleep(rtt), queue.sendBatch(msgs, opts)),
});

export default {
  async fetch(request, env, ctx) {
    const rtt = Number(request.headers.get("x-bench-rtt-ms") ?? 0);
    const awaitBackground = request.headers.get("x-bench-await-background") === "1";
    const background = [];
    const context = awaitBackground
      ? { waitUntil: (p) => background.push(p), passThroughOnException: () => ctx.passThroughOnException(), props: ctx.props }
      : ctx;
    const distant = { ...env, DB: distantD1(env.DB, rtt), JOBS: distantQueue(env.JOBS, rtt) };
    const response = await worker.fetch(request, distant, context);
    if (awaitBackground) {
      const body = await response.arrayBuffer();
      await Promise.all(background);
      return new Response(body, response);
    }
    return response;
  },
};
