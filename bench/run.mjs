// `npm run bench`: createTicket of the real worker bundle against the floor worker, side by
// side in one workerd, then BENCHMARKS.md's results section is rewritten. See BENCHMARKS.md.
import { mkdir, writeFile } from "node:fs/promises";
import { bodyFor } from "./bodies.mjs";
import { buildBundles, measureStartup } from "./build.mjs";
import { CPU_MS, measureWorkerCpu } from "./cpu-pass.mjs";
import { measureStartupCopies } from "./startup-copies.mjs";
import { runLoad, postJson } from "./load.mjs";
import { cpuSeconds, findWorkerdPid } from "./proc-cpu.mjs";
import { machine, updateBenchmarksMd } from "./report.mjs";
import { WORKER_NAMES, startRuntime } from "./runtime.mjs";
import { API_KEY, seedDatabase } from "./seed.mjs";

// `npm run bench -- categorize` runs only the categorize part (bench/categorize.mjs).
if (process.argv[2] === "categorize") {
  await import("./categorize.mjs");
  process.exit(0);
}

const PATH = "/api/ext-v1/ticket/createTicket";
const CONCURRENCY = 16;
const ROUND_MS = 5_000;
const ROUNDS = 3;
const MAX_REQUESTS_PER_RUN = 40_000;
const started = Date.now();
const log = (msg) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const WORKERS = ["ours", "floor"];
const headersFor = () => ({ "x-api-key": API_KEY });

const seedAll = async (mf, names) => {
  const ids = {};
  for (const name of names) ids[name] = await seedDatabase(await mf.getD1Database("DB", name));
  return ids;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** D1 round trips and queue sends per create, per body kind, from the counting wrappers. */
const countCosts = async (url, customerIds) => {
  const perKind = {};
  const kinds = ["new customer by email", "known customer by email + category", "known customer by id", "chat messages"];
  // An isolate reads its shard's d1_migrations once, before the first request (src/db/shard-schema.ts): not a create's cost.
  await fetch(`${url}health`);
  for (let i = 0; i < 40; i++) {
    const res = await postJson(url + PATH.slice(1), headersFor(), bodyFor(i, customerIds, "count"));
    if (res.status !== 200) throw new Error(`counting request failed: ${res.status} ${res.body}`);
    const kind = kinds[i % 4];
    perKind[kind] ??= { d1: new Set(), queueSends: new Set(), rows: new Set() };
    perKind[kind].rows.add(res.headers["x-bench-d1-rows"]);
    perKind[kind].d1.add(Number(res.headers["x-bench-d1-round-trips"]));
    perKind[kind].queueSends.add(Number(res.headers["x-bench-queue-sends"]));
  }
  return Object.fromEntries(
    Object.entries(perKind).map(([k, v]) => [k, { d1: [...v.d1], queueSends: [...v.queueSends], rows: [...v.rows] }]),
  );
};

const load = (url, customerIds, tag, concurrency, durationMs) =>
  runLoad({
    url: url + PATH.slice(1),
    headers: headersFor(),
    makeBody: (i) => bodyFor(i, customerIds, tag),
    concurrency,
    durationMs,
    maxRequests: MAX_REQUESTS_PER_RUN,
  });

const assertClean = (name, result) => {
  if (result.failures.length > 0) {
    throw new Error(`${name}: ${result.failures.length} non-200 answers, e.g. ${result.failures[0]}`);
  }
};

await mkdir(new URL("./out/", import.meta.url), { recursive: true });

log("building the bundle with wrangler deploy --dry-run");
const bundles = await buildBundles();
log("measuring startup with wrangler check startup (5 runs)");
const startup = await measureStartup(5);
log("measuring startup with copies of the bundle in one workerd");
const startupCopies = await measureStartupCopies(bundles.deployed.path);

log("starting workerd");
const timing = await startRuntime({ bundlePath: bundles.deployed.path });
const workerdPid = findWorkerdPid();
const ids = await seedAll(
  timing.mf,
  WORKER_NAMES.filter((name) => name !== "null"),
);
const dbBytes = async (name) => (await (await timing.mf.getD1Database("DB", name)).prepare("select 1").run()).meta.size_after;
const seededBytes = await dbBytes("ours");

log("counting D1 round trips and queue sends per create");
const costs = {
  ours: await countCosts(timing.urls["ours-counted"], ids["ours-counted"]),
  floor: await countCosts(timing.urls["floor-counted"], ids["floor-counted"]),
};

log("warming up");
const acknowledged = { ours: 0, floor: 0 };
for (const name of WORKERS) {
  const warm = await load(timing.urls[name], ids[name], "warm", CONCURRENCY, 2_000);
  assertClean(name, warm);
  acknowledged[name] += warm.requests;
}

const rounds = { ours: [], floor: [] };
for (let r = 0; r < ROUNDS; r++) {
  // Alternate who goes first so a slow drift (database growth, heat) hits both alike.
  const order = r % 2 === 0 ? ["floor", "ours"] : ["ours", "floor"];
  for (const name of order) {
    const cpuBefore = cpuSeconds(workerdPid);
    const result = await load(timing.urls[name], ids[name], `r${r}`, CONCURRENCY, ROUND_MS);
    const cpuAfter = cpuSeconds(workerdPid);
    assertClean(name, result);
    acknowledged[name] += result.requests;
    const cpuUsed = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    const processCpuMs = cpuUsed === null ? null : (cpuUsed * 1000) / result.requests;
    rounds[name].push({
      ...result,
      processCpuMsPerRequest: processCpuMs,
      workerdCoreUse: cpuUsed === null ? null : cpuUsed / result.seconds,
    });
    log(`round ${r + 1} ${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
  }
}

log("unloaded latency (one client)");
const unloaded = {};
for (const name of WORKERS) {
  const result = await load(timing.urls[name], ids[name], "solo", 1, 2_000);
  assertClean(name, result);
  acknowledged[name] += result.requests;
  unloaded[name] = result;
}

// Every acknowledged create must be in D1 (warm-up requests included).
const stored = {};
for (const name of WORKERS) {
  const db = await timing.mf.getD1Database("DB", name);
  stored[name] = (await db.prepare("select count(*) as n from tickets").first())?.n;
}
// Storage per ticket for this body mix (customers, tickets, messages, outbox rows and indexes).
const bytesPerTicket = ((await dbBytes("ours")) - seededBytes) / stored.ours;

log("CPU pass: D1, queue and limiter answered from memory, minus a null worker's HTTP cost");
const cpuPass = await measureWorkerCpu({
  urls: timing.urls,
  ids,
  workerdPid,
  names: ["ours-replayed", "floor-replayed", "null"],
  rounds: 3,
  roundMs: CPU_MS,
});
await timing.mf.dispose();
const { runs: cpuRuns, httpMs } = cpuPass;
const cpu = { ours: cpuPass.workerMs["ours-replayed"], floor: cpuPass.workerMs["floor-replayed"] };
log(`worker CPU per create: ours ${cpu.ours?.toFixed(3)} ms, floor ${cpu.floor?.toFixed(3)} ms (HTTP baseline ${httpMs?.toFixed(3)} ms)`);

const summarize = (name) => {
  const best = rounds[name];
  return {
    rps: median(best.map((r) => r.rps)),
    p50: median(best.map((r) => r.p50)),
    p99: median(best.map((r) => r.p99)),
    processCpuMsPerRequest: workerdPid === null ? null : median(best.map((r) => r.processCpuMsPerRequest)),
    workerdCoreUse: workerdPid === null ? null : median(best.map((r) => r.workerdCoreUse)),
    unloadedP50: unloaded[name].p50,
    unloadedP99: unloaded[name].p99,
    workerCpuMsPerRequest: cpu[name],
    costs: costs[name],
    acknowledged: acknowledged[name],
    stored: stored[name],
  };
};

const results = {
  date: new Date().toISOString(),
  machine: await machine(),
  settings: { concurrency: CONCURRENCY, roundMs: ROUND_MS, rounds: ROUNDS, cpuMs: CPU_MS },
  httpBaselineCpuMs: httpMs,
  bytesPerTicket,
  cpuRuns,
  ours: summarize("ours"),
  floor: summarize("floor"),
  rounds,
  bundle: bundles,
  startup,
  startupCopies,
  durationSeconds: (Date.now() - started) / 1000,
};
await writeFile(new URL("./out/results.json", import.meta.url), JSON.stringify(results, null, 2));
const table = await updateBenchmarksMd(results);
console.log(`\n${table}\n`);
log("categorize part");
await import("./categorize.mjs");
log("done; results in bench/out/results.json and BENCHMARKS.md");
