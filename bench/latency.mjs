// `npm run bench:latency`: createTicket's latency as a client far from the D1 primary would see it,
// simulated: the real worker bundle and the floor run locally, and bench/latency-entry.mjs makes
// each D1 round trip and queue send wait the round-trip time from the client's region to the
// primary. Reports p50 per region for the floor (awaits D1, then the queue), ticket-intake as it was
// before its queue send moved after the response (the same bundle, told to await its background
// work before answering), and ticket-intake now. Rewrites BENCHMARKS.md's latency block.
import { readFile, writeFile } from "node:fs/promises";
import { bodyFor } from "./bodies.mjs";
import { buildBundles } from "./build.mjs";
import { runLoad } from "./load.mjs";
import { startRuntime } from "./runtime.mjs";
import { API_KEY, seedDatabase } from "./seed.mjs";

const PATH = "api/ext-v1/ticket/createTicket";
const REQUESTS = 24;
const CONCURRENCY = 4;

/**
 * Round-trip times (ms) between data centres, London to each, from IBM Cloud's published VPC
 * network latency dashboard (monthly averages, 17 Aug – 15 Sep 2024; the page's London row):
 * https://cloud.ibm.com/docs/vpc?topic=vpc-network-latency-dashboard . A Cloudflare location in
 * each city stands in for the client's region, and the D1 primary is in London (location hint
 * `weur`). "London" is a neighbouring data centre in the same metro: IBM's inter-zone figure (about 2 ms).
 */
/** @type {[region: string, rttMs: number][]} */
const REGIONS = [
  ["London", 2],
  ["Frankfurt", 13],
  ["Madrid", 27],
  ["Washington DC", 75],
  ["Toronto", 83],
  ["Dallas", 113],
  ["São Paulo", 187],
  ["Tokyo", 242],
  ["Osaka", 244],
  ["Sydney", 261],
];

/** @type {{ key: "floor" | "before" | "after"; worker: "floor-latency" | "ours-latency"; headers: Record<string, string> }[]} */
const VARIANTS = [
  { key: "floor", worker: "floor-latency", headers: {} },
  { key: "before", worker: "ours-latency", headers: { "x-bench-await-background": "1" } },
  { key: "after", worker: "ours-latency", headers: {} },
];

const started = Date.now();
const log = (msg) => console.log(`[bench:latency ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

log("building the bundle with wrangler deploy --dry-run");
const { deployed } = await buildBundles();
const runtime = await startRuntime({ bundlePath: deployed.path, names: ["ours-latency", "floor-latency"] });
const ids = {
  "ours-latency": await seedDatabase(await runtime.mf.getD1Database("DB", "ours-latency")),
  "floor-latency": await seedDatabase(await runtime.mf.getD1Database("DB", "floor-latency")),
};

const measure = (variant, rtt) =>
  runLoad({
    url: runtime.urls[variant.worker] + PATH,
    headers: { "x-api-key": API_KEY, "x-bench-rtt-ms": String(rtt), ...variant.headers },
    makeBody: (i) => bodyFor(i, ids[variant.worker], `${variant.key}-${rtt}-${Math.random()}`),
    concurrency: CONCURRENCY,
    durationMs: 60_000,
    maxRequests: REQUESTS,
  });

// Warm-up at no added latency, so the first region does not pay for compilation and caches.
for (const variant of VARIANTS) await measure(variant, 0);

const rows = [];
for (const [region, rtt] of REGIONS) {
  const row = { region, rtt, floor: 0, before: 0, after: 0 };
  for (const variant of VARIANTS) {
    const result = await measure(variant, rtt);
    if (result.failures.length) throw new Error(`${variant.key} @ ${region}: ${result.failures[0]}`);
    row[variant.key] = result.p50;
  }
  rows.push(row);
  log(`${region} (${rtt} ms): floor ${row.floor.toFixed(0)}, before ${row.before.toFixed(0)}, after ${row.after.toFixed(0)} ms`);
}
await runtime.mf.dispose();

const START = "<!-- bench:latency:start -->";
const END = "<!-- bench:latency:end -->";
const block = [
  START,
  `Last run: ${new Date().toISOString().slice(0, 10)}, \`npm run bench:latency\`, ${REQUESTS} creates per cell, ${CONCURRENCY} at a time, p50.`,
  "",
  "| client region | RTT to the D1 primary (London) | floor (awaits D1 + queue) | before (awaited the queue) | now (queue after the response) | now − RTT |",
  "|---|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.region} | ${r.rtt} ms | ${r.floor.toFixed(0)} ms | ${r.before.toFixed(0)} ms | ${r.after.toFixed(0)} ms | ${(r.after - r.rtt).toFixed(1)} ms |`,
  ),
  END,
].join("\n");
const file = new URL("../BENCHMARKS.md", import.meta.url);
const text = await readFile(file, "utf8");
const [a, b] = [text.indexOf(START), text.indexOf(END)];
if (a < 0 || b < 0) throw new Error(`BENCHMARKS.md has no ${START} … ${END} block`);
await writeFile(file, text.slice(0, a) + block + text.slice(b + END.length));
console.log(`\n${block}\n`);
