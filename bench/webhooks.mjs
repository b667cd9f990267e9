// `npm run bench:webhooks`: what outbound webhooks cost. (1) createTicket per second for an
// organization with 0, 1 and 10 subscribed endpoints (the outbox trigger writes one delivery row per
// endpoint in the create's own batch; one dispatch message follows when there are any), with the D1
// round trips per create counted; (2) the delivery rate the webhooks consumer sustains against a
// local Node receiver that verifies nothing and answers 204 at once. Rewrites BENCHMARKS.md's
// webhooks block. Runs the real bundle (wrangler deploy --dry-run) in one workerd, like `npm run bench`.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { bodyFor } from "./bodies.mjs";
import { buildBundles } from "./build.mjs";
import { postJson, runLoad } from "./load.mjs";
import { API_KEY, ORG_ID, seedDatabase } from "./seed.mjs";

const PATH = "api/ext-v1/ticket/createTicket";
const CONCURRENCY = 16;
const ROUND_MS = 5_000;
const ROUNDS = 5;
const DELIVERIES = 1_000;
const started = Date.now();
const log = (msg) => console.log(`[bench:webhooks ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The receiver: counts distinct webhook-ids per endpoint path, answers 204.
const received = new Map();
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const id = req.headers["webhook-id"];
    if (!received.has(req.url)) received.set(req.url, new Set());
    received.get(req.url).add(id);
    res.writeHead(204).end();
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", () => r(undefined)));
const receiverOrigin = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (receiver.address()).port}`;

const SECRET_KEY = randomBytes(32).toString("base64");
const ENDPOINT_COUNTS = [0, 1, 10];

const source = (path) => readFile(new URL(path, import.meta.url), "utf8");
const worker = (name, modules, { consume }) => ({
  name,
  modules,
  compatibilityDate: "2026-11-01",
  d1Databases: { DB: `${name}-db` },
  // The create bench measures the request path: its queues have no consumer (as in `npm run bench`).
  // The worker tells its webhooks queue by the ticket-intake-webhooks prefix (src/index.ts).
  queueProducers: { JOBS: { queueName: `${name}-jobs` }, WEBHOOKS: { queueName: `ticket-intake-webhooks-${name}` } },
  ...(consume ? { queueConsumers: { [`ticket-intake-webhooks-${name}`]: { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 5 } } } : {}),
  ratelimits: {
    RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000_000, period: 10 } },
    AUTH_FAILURE_LIMITER: { namespace_id: "1002", simple: { limit: 100, period: 60 } },
  },
  bindings: {
    ADMIN_TOKEN: "bench-admin-token",
    SLACK_WEBHOOK_ALLOWED_ORIGINS: "https://hooks.slack.com",
    AI_MODEL: "@cf/meta/llama-3.1-8b-instruct-fast",
    SLACK_MIN_INTERVAL_MS: "1000",
    WEBHOOK_SECRET_KEY: SECRET_KEY,
    WEBHOOK_ALLOWED_HTTP_ORIGINS: receiverOrigin,
    WEBHOOK_RETRY_SCHEDULE: "5,300",
    WEBHOOK_TIMEOUT_MS: "10000",
  },
  unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
});

/** Endpoints straight into D1 (their secrets are sealed by the API in the delivery pass; here nothing is sent). */
const addEndpoints = async (db, n) => {
  const now = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    await db
      .prepare(
        "insert into webhook_endpoints (id, organization_id, url, enabled, secret, created_at, updated_at) values (?, ?, ?, 1, 'unused', ?, ?)",
      )
      .bind(randomUUID(), ORG_ID, `${receiverOrigin}/e${i}`, now, now)
      .run();
  }
};

log("building the bundle with wrangler deploy --dry-run");
const bundle = await readFile((await buildBundles()).deployed.path, "utf8");
const counting = await source("./counting.mjs");
const mod = (path, contents) => ({ type: "ESModule", path, contents });
if (process.env.TMPDIR === undefined) process.env.TMPDIR = "/dev/shm";
const createNames = ENDPOINT_COUNTS.map((n) => `endpoints-${n}`);
const mf = new Miniflare(
  // @ts-expect-error -- Miniflare 5's types for the v4 shape lag what its converter accepts (as in bench/runtime.mjs).
  convertV4MiniflareOptions({
    handleStructuredLogs: (l) => {
      if (l.level === "error") console.error(`[workerd ${l.level}] ${l.message}`);
    },
    workers: [
      ...createNames.map((name) => worker(name, [mod("worker.js", bundle)], { consume: false })),
      ...createNames.map((name) => worker(`${name}-counted`, [mod("entry.js", counting), mod("worker.js", bundle)], { consume: false })),
      worker("delivery", [mod("worker.js", bundle)], { consume: true }),
      worker("delivery10", [mod("worker.js", bundle)], { consume: true }),
    ],
  }),
);
await mf.ready;
const url = async (name) => (await mf.unsafeGetDirectURL(name)).href;

const ids = {};
for (const [i, n] of ENDPOINT_COUNTS.entries()) {
  for (const name of [createNames[i], `${createNames[i]}-counted`]) {
    const db = await mf.getD1Database("DB", name);
    ids[name] = await seedDatabase(db);
    await addEndpoints(db, n);
  }
}

log("counting D1 round trips per create");
const roundTrips = {};
for (const [i, n] of ENDPOINT_COUNTS.entries()) {
  const seen = new Set();
  const target = await url(`${createNames[i]}-counted`);
  // An isolate reads its shard's d1_migrations once, before the first request (src/db/shard-schema.ts): not a create's cost.
  await fetch(`${target}health`);
  for (let k = 0; k < 20; k++) {
    const res = await postJson(target + PATH, { "x-api-key": API_KEY }, bodyFor(k, ids[`${createNames[i]}-counted`], "count"));
    if (res.status !== 200) throw new Error(`counting create failed: ${res.status} ${res.body}`);
    seen.add(Number(res.headers["x-bench-d1-round-trips"]));
  }
  roundTrips[n] = [...seen];
}

const load = async (name, tag, durationMs) => {
  const result = await runLoad({
    url: (await url(name)) + PATH,
    headers: { "x-api-key": API_KEY },
    makeBody: (k) => bodyFor(k, ids[name], tag),
    concurrency: CONCURRENCY,
    durationMs,
    maxRequests: 40_000,
  });
  if (result.failures.length) throw new Error(`${name}: ${result.failures.length} failures, e.g. ${result.failures[0]}`);
  return result;
};

log("warming up");
for (const name of createNames) await load(name, "warm", 1_500);
/** @type {Record<number, Awaited<ReturnType<typeof load>>[]>} */
const rounds = Object.fromEntries(ENDPOINT_COUNTS.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ENDPOINT_COUNTS : [...ENDPOINT_COUNTS].reverse();
  for (const n of order) {
    const result = await load(`endpoints-${n}`, `r${r}`, ROUND_MS);
    rounds[n].push(result);
    log(`round ${r + 1}, ${n} endpoints: ${result.rps.toFixed(0)} creates/s, p50 ${result.p50.toFixed(2)} ms`);
  }
}
const creates = Object.fromEntries(
  ENDPOINT_COUNTS.map((n) => [n, { rps: median(rounds[n].map((x) => x.rps)), p50: median(rounds[n].map((x) => x.p50)) }]),
);
const deliveryRows = {};
for (const n of ENDPOINT_COUNTS) {
  const db = await mf.getD1Database("DB", `endpoints-${n}`);
  const t = await db.prepare("select count(*) as n from tickets").first();
  const d = await db.prepare("select count(*) as n from webhook_deliveries").first();
  deliveryRows[n] = { tickets: Number(t?.n), deliveries: Number(d?.n) };
}

/** Delivery pass: endpoints made through the API (sealed secrets), then tickets, timed until the receiver has them all. */
const deliveryRate = async (name, endpoints) => {
  const base = await url(name);
  const seeded = await seedDatabase(await mf.getD1Database("DB", name));
  for (let i = 0; i < endpoints; i++) {
    const res = await postJson(
      `${base}api/ext-v1/webhook/createEndpoint`,
      { "x-api-key": API_KEY },
      { url: `${receiverOrigin}/${name}/${i}`, events: ["ticket.created"] },
    );
    if (res.status !== 200) throw new Error(`createEndpoint failed: ${res.status} ${res.body}`);
  }
  const tickets = Math.ceil(DELIVERIES / endpoints);
  const t0 = performance.now();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < tickets) {
        const res = await postJson(base + PATH, { "x-api-key": API_KEY }, bodyFor(next++, seeded, "d"), agent);
        if (res.status !== 200) throw new Error(`create failed: ${res.status}`);
      }
    }),
  );
  agent.destroy();
  const createdMs = performance.now() - t0;
  const total = () => [...received.entries()].filter(([k]) => k.startsWith(`/${name}/`)).reduce((s, [, v]) => s + v.size, 0);
  const deadline = Date.now() + 120_000;
  while (total() < tickets * endpoints && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  return {
    endpoints,
    tickets,
    delivered: total(),
    expected: tickets * endpoints,
    seconds,
    perSecond: total() / seconds,
    createSeconds: createdMs / 1000,
  };
};

log("delivery rate against a local receiver");
const delivery = [await deliveryRate("delivery", 1), await deliveryRate("delivery10", 10)];
for (const d of delivery)
  log(`${d.endpoints} endpoint(s): ${d.delivered}/${d.expected} delivered in ${d.seconds.toFixed(1)} s (${d.perSecond.toFixed(0)}/s)`);
await mf.dispose();
receiver.close();

const results = {
  date: new Date().toISOString(),
  settings: { concurrency: CONCURRENCY, roundMs: ROUND_MS, rounds: ROUNDS },
  roundTrips,
  creates,
  deliveryRows,
  delivery,
};
await writeFile(new URL("./out/webhooks.json", import.meta.url), JSON.stringify(results, null, 2));

const ratio = (n) => (creates[n].rps / creates[0].rps).toFixed(2);
const table = [
  "| subscribed endpoints | creates/s (median of rounds) | ratio to 0 | p50 ms | D1 round trips per create | delivery rows per ticket |",
  "|---:|---:|---:|---:|---:|---:|",
  ...ENDPOINT_COUNTS.map(
    (n) =>
      `| ${n} | ${creates[n].rps.toFixed(0)} | ${ratio(n)} | ${creates[n].p50.toFixed(2)} | ${roundTrips[n].join(", ")} | ${(deliveryRows[n].deliveries / deliveryRows[n].tickets).toFixed(2)} |`,
  ),
  "",
  "| endpoints | deliveries | delivered | seconds (first create to last delivery) | deliveries/s |",
  "|---:|---:|---:|---:|---:|",
  ...delivery.map((d) => `| ${d.endpoints} | ${d.expected} | ${d.delivered} | ${d.seconds.toFixed(1)} | ${d.perSecond.toFixed(0)} |`),
].join("\n");
const md = await readFile(new URL("../BENCHMARKS.md", import.meta.url), "utf8");
const START = "<!-- webhooks:start -->";
const END = "<!-- webhooks:end -->";
const block = `${START}\n${table}\n\nMeasured ${results.date.slice(0, 10)} by \`npm run bench:webhooks\` (bench/out/webhooks.json).\n${END}`;
const updated = md.includes(START)
  ? md.replace(new RegExp(`${START}[\\s\\S]*${END}`), block)
  : `${md.trimEnd()}\n\n## Outbound webhooks\n\n${block}\n`;
await writeFile(new URL("../BENCHMARKS.md", import.meta.url), updated);
console.log(`\n${table}\n`);
log("done");
