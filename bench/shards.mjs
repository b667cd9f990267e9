// `npm run bench:shards`: createTicket per second at 1, 2, 4 and 8 D1 shards, 64 organizations spread
// over them (organization i on shard i mod n), with each shard a simulated single writer
// (bench/shards-entry.mjs: every batch holds its shard for PER_QUERY_MS per statement, the D1 limits
// page's figure, https://developers.cloudflare.com/d1/platform/limits/). The real bundle
// (wrangler deploy --dry-run) runs in one workerd, one worker per shard count. Target: at 8 shards
// at least 0.8 × 8 times the 1-shard rate. Rewrites BENCHMARKS.md's shards block.
//   --rounds N   rounds per shard count (default 3; the median is kept)
//   --ms N       milliseconds per round (default 4000)
import { createHash, randomUUID } from "node:crypto";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { buildDeployedBundle } from "./build.mjs";
import { applyMigrations } from "./runtime.mjs";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "3" }, ms: { type: "string", default: "4000" } } });
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args.ms);
/** D1 limits page: "If your average query takes 1 ms, you can run approximately 1,000 queries per second." */
const PER_QUERY_MS = 1;
const ORGS = 64;
/** One client per organization, each sending its next create as soon as the last is answered. */
const CLIENTS = 64;
const SHARD_COUNTS = [1, 2, 4, 8];
const TARGET = 0.8;

const started = Date.now();
const log = (msg) => console.log(`[bench:shards ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const names = (n) => Array.from({ length: n }, (_, i) => (i === 0 ? "DB" : `DB_${i}`));

log("building the bundle with wrangler deploy --dry-run");
const bundle = await readFile((await buildDeployedBundle()).path, "utf8");
const entry = await readFile(new URL("./shards-entry.mjs", import.meta.url), "utf8");
const mod = (path, contents) => ({ type: "ESModule", path, contents });
if (process.env.TMPDIR === undefined) process.env.TMPDIR = "/dev/shm";

const mf = new Miniflare(
  // @ts-expect-error -- Miniflare 5's types for the v4 shape lag what its converter accepts (as in bench/runtime.mjs).
  convertV4MiniflareOptions({
    handleStructuredLogs: (l) => {
      if (l.level === "error") console.error(`[workerd ${l.level}] ${l.message}`);
    },
    workers: SHARD_COUNTS.map((n) => ({
      name: `shards-${n}`,
      modules: [mod("entry.js", entry), mod("worker.js", bundle)],
      compatibilityDate: "2026-11-01",
      d1Databases: Object.fromEntries(names(n).map((b) => [b, `shards-${n}-${b}`])),
      queueProducers: { JOBS: { queueName: `shards-${n}-jobs` }, WEBHOOKS: { queueName: `shards-${n}-webhooks` } },
      ratelimits: {
        RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000_000, period: 10 } },
        AUTH_FAILURE_LIMITER: { namespace_id: "1002", simple: { limit: 100, period: 60 } },
      },
      bindings: {
        D1_SHARDS: names(n).join(","),
        BENCH_PER_QUERY_MS: String(PER_QUERY_MS),
        ADMIN_TOKEN: "bench-admin-token",
        SLACK_WEBHOOK_ALLOWED_ORIGINS: "https://hooks.slack.com",
        AI_MODEL: "@cf/meta/llama-3.1-8b-instruct-fast",
        SLACK_MIN_INTERVAL_MS: "1000",
      },
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    })),
  }),
);
await mf.ready;

/** 64 organizations, organization i on shard i mod n, each with its key (`tik<shard>_…`), a category and 20 customers. */
const seed = async (n) => {
  const dbs = await Promise.all(names(n).map((b) => mf.getD1Database(b, `shards-${n}`)));
  for (const db of dbs) await applyMigrations(db);
  const now = new Date().toISOString();
  const keys = [];
  for (let i = 0; i < ORGS; i++) {
    const shard = i % n;
    const db = dbs[shard];
    const orgId = `org${shard}_${randomUUID()}`;
    const key = `tik${shard}_bench${String(i).padStart(38, "0")}`;
    keys.push(key);
    await db.batch([
      db.prepare("insert into organizations (id, name, created_at, updated_at) values (?, ?, ?, ?)").bind(orgId, `Bench ${i}`, now, now),
      db
        .prepare("insert into api_keys (id, organization_id, key_hash, prefix, created_at) values (?, ?, ?, ?, ?)")
        .bind(randomUUID(), orgId, createHash("sha256").update(key).digest("hex"), key.slice(0, 12), now),
      db
        .prepare(
          `insert into categories (id, organization_id, name, name_lower, description, position, created_at, updated_at)
           values (?, ?, 'Billing', 'billing', 'Invoices, charges and refunds', 0, ?, ?)`,
        )
        .bind(randomUUID(), orgId, now, now),
      ...Array.from({ length: 20 }, (_, c) =>
        db
          .prepare("insert into customers (id, organization_id, email, email_lower, created_at, updated_at) values (?, ?, ?, ?, ?, ?)")
          .bind(randomUUID(), orgId, `customer${c}@example.com`, `customer${c}@example.com`, now, now),
      ),
    ]);
  }
  return keys;
};

const keys = {};
for (const n of SHARD_COUNTS) keys[n] = await seed(n);
const urls = {};
for (const n of SHARD_COUNTS) urls[n] = (await mf.unsafeGetDirectURL(`shards-${n}`)).href;

const load = async (n, durationMs) => {
  const res = await fetch(`${urls[n]}__bench/load`, {
    method: "POST",
    body: JSON.stringify({ durationMs, clients: CLIENTS, keys: keys[n] }),
  });
  if (!res.ok) throw new Error(`shards-${n}: ${res.status} ${await res.text()}`);
  /** @type {{ requests: number; seconds: number; rps: number; p50: number; p99: number; failures: string[]; failureCount: number;
   *   shards: { batches: number; statements: number; busyMs: number; utilization: number }[] }} */
  const result = /** @type {any} */ (await res.json());
  if (result.failureCount) throw new Error(`shards-${n}: ${result.failureCount} failures, e.g. ${result.failures[0]}`);
  return result;
};

log("warming up (every SQL shape recorded, the JIT warm)");
for (const n of SHARD_COUNTS) await load(n, 1_500);
/** @type {Record<number, any[]>} */
const rounds = Object.fromEntries(SHARD_COUNTS.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? SHARD_COUNTS : [...SHARD_COUNTS].reverse();
  for (const n of order) {
    const result = await load(n, ROUND_MS);
    rounds[n].push(result);
    const busiest = Math.max(...result.shards.map((s) => s.utilization));
    log(
      `round ${r + 1}, ${n} shard(s): ${result.rps.toFixed(0)} creates/s, p50 ${result.p50} ms, p99 ${result.p99} ms, busiest writer ${(busiest * 100).toFixed(0)} %`,
    );
  }
}
await mf.dispose();

const summary = Object.fromEntries(
  SHARD_COUNTS.map((n) => {
    const list = rounds[n];
    const statements = list.flatMap((r) => r.shards).reduce((a, s) => a + s.statements, 0);
    const batches = list.flatMap((r) => r.shards).reduce((a, s) => a + s.batches, 0);
    return [
      n,
      {
        rps: median(list.map((r) => r.rps)),
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        statementsPerBatch: statements / batches,
        utilization: median(list.map((r) => r.shards.reduce((a, s) => a + s.utilization, 0) / r.shards.length)),
        rounds: list.map((r) => Math.round(r.rps)),
      },
    ];
  }),
);
const base = summary[1].rps;
const scaling = (n) => summary[n].rps / (base * n);
const cpu = os.cpus();
const results = {
  date: new Date().toISOString(),
  host: `${cpu[0]?.model.trim()}, ${cpu.length} cores, load average ${os.loadavg()[0].toFixed(1)}`,
  settings: { perQueryMs: PER_QUERY_MS, orgs: ORGS, clients: CLIENTS, rounds: ROUNDS, roundMs: ROUND_MS },
  summary,
  scalingAt8: scaling(8),
};
await mkdir(new URL("./out/", import.meta.url), { recursive: true });
await writeFile(new URL("./out/shards.json", import.meta.url), JSON.stringify(results, null, 2));

const table = [
  `| shards | creates/s (median of ${ROUNDS} × ${ROUND_MS / 1000} s) | × 1 shard | of linear | p50 ms | p99 ms | writers busy | statements per batch |`,
  "|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...SHARD_COUNTS.map(
    (n) =>
      `| ${n} | ${summary[n].rps.toFixed(0)} | ${(summary[n].rps / base).toFixed(2)} | ${scaling(n).toFixed(2)} | ${summary[n].p50} | ${summary[n].p99} | ${(summary[n].utilization * 100).toFixed(0)} % | ${summary[n].statementsPerBatch.toFixed(2)} |`,
  ),
].join("\n");
const verdict = `At 8 shards: ${scaling(8).toFixed(2)} × linear (target ≥ ${TARGET}: **${scaling(8) >= TARGET ? "met" : "missed"}**).`;
const START = "<!-- shards:start -->";
const END = "<!-- shards:end -->";
const block = `${START}\n${table}\n\n${verdict} ${ORGS} organizations, ${CLIENTS} clients (one per organization), ${PER_QUERY_MS} ms per statement on each shard's single writer. Measured ${results.date.slice(0, 16).replace("T", " ")} UTC on ${results.host} by \`npm run bench:shards\` (bench/out/shards.json).\n${END}`;
const md = await readFile(new URL("../BENCHMARKS.md", import.meta.url), "utf8");
const updated = md.includes(START)
  ? md.slice(0, md.indexOf(START)) + block + md.slice(md.indexOf(END) + END.length)
  : `${md.trimEnd()}\n\n## Shards (npm run bench:shards)\n\n${block}\n`;
await writeFile(new URL("../BENCHMARKS.md", import.meta.url), updated);
console.log(`\n${table}\n\n${verdict}`);
