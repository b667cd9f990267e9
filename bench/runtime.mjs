// Starts one workerd through Miniflare's Node API with every worker the benchmark needs,
// each on its own direct socket (no entry-worker or dev-server proxy in front of it).
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

const COMPATIBILITY_DATE = "2026-11-01";
export const ADMIN_TOKEN = "bench-admin-token";

const source = (path) => readFile(new URL(path, import.meta.url), "utf8");

/**
 * A worker definition: its modules, and its own D1 database and queue.
 * @param {string} name
 * @param {{ type: "ESModule"; path: string; contents: string }[]} modules
 * @param {number} port
 */
const workerOptions = (name, modules, port) => ({
  name,
  modules,
  compatibilityDate: COMPATIBILITY_DATE,
  d1Databases: { DB: `${name}-db` },
  // Producer only: the bench measures the request path, so no consumer drains the queue
  // (the same for every worker; see BENCHMARKS.md).
  queueProducers: { JOBS: { queueName: `${name}-jobs` } },
  // The real binding stays in the path, with a limit the load never reaches.
  ratelimits: {
    RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000_000, period: 10 } },
    AUTH_FAILURE_LIMITER: { namespace_id: "1002", simple: { limit: 100, period: 60 } },
  },
  bindings: {
    ADMIN_TOKEN,
    SLACK_WEBHOOK_ALLOWED_ORIGINS: "https://hooks.slack.com",
    AI_MODEL: "@cf/meta/llama-3.1-8b-instruct-fast",
    SLACK_MIN_INTERVAL_MS: "1000",
  },
  unsafeDirectSockets: [{ host: "127.0.0.1", port }],
});

// Miniflare keeps D1 and queue storage in os.tmpdir(). On a VM disk each commit's fsync costs
// about a millisecond and would dominate both workers alike, hiding the worker's own cost;
// tmpfs keeps SQLite's work and drops only the disk wait (see BENCHMARKS.md).
const useTmpfs = () => {
  if (existsSync("/dev/shm")) process.env.TMPDIR = "/dev/shm";
};

export const WORKER_NAMES = ["ours", "floor", "ours-counted", "floor-counted", "ours-replayed", "floor-replayed", "null"];

/**
 * `names`: the workers to start (default: those of `npm run bench`; bench/latency.mjs starts its own two).
 * `replayedBundles`: more bundles, each started as its own replayed worker under the given name
 * (`npm run bench:cpu -- --against <bundle>` compares two builds in one workerd). `inspectorPort`:
 * DevTools' port for every worker, for a CPU profile (`npm run bench:cpu -- --profile <file>`).
 * `loopedBundles`: the same for bench/looping.mjs (`--loop`), each bundle run in a loop inside one request.
 * @param {{ bundlePath: string; names?: string[]; replayedBundles?: Record<string, string>;
 *   loopedBundles?: Record<string, string>; inspectorPort?: number }} options
 */
export const startRuntime = async ({ bundlePath, names = WORKER_NAMES, replayedBundles = {}, loopedBundles = {}, inspectorPort }) => {
  useTmpfs();
  const bundle = await readFile(bundlePath, "utf8");
  const [floor, counting, replaying, latency, nullWorker, looping] = await Promise.all(
    ["./floor.mjs", "./counting.mjs", "./replaying.mjs", "./latency-entry.mjs", "./null-worker.mjs", "./looping.mjs"].map(source),
  );
  /** @type {(path: string, contents: string) => { type: "ESModule"; path: string; contents: string }} */
  const mod = (path, contents) => ({ type: "ESModule", path, contents });
  /** @type {Record<string, ReturnType<typeof mod>[]>} */
  const modules = {
    ours: [mod("worker.js", bundle)],
    floor: [mod("worker.js", floor)],
    "ours-counted": [mod("entry.js", counting), mod("worker.js", bundle)],
    "floor-counted": [mod("entry.js", counting), mod("worker.js", floor)],
    "ours-replayed": [mod("entry.js", replaying), mod("worker.js", bundle)],
    "floor-replayed": [mod("entry.js", replaying), mod("worker.js", floor)],
    "ours-latency": [mod("entry.js", latency), mod("worker.js", bundle)],
    "floor-latency": [mod("entry.js", latency), mod("worker.js", floor)],
    null: [mod("worker.js", nullWorker)],
  };
  for (const [name, path] of Object.entries(replayedBundles)) {
    modules[name] = [mod("entry.js", replaying), mod("worker.js", await readFile(path, "utf8"))];
    names = [...names, name];
  }
  for (const [name, path] of Object.entries(loopedBundles)) {
    modules[name] = [mod("entry.js", looping), mod("replaying.js", replaying), mod("worker.js", await readFile(path, "utf8"))];
    names = [...names, name];
  }
  // Miniflare 5 still accepts the documented v4 option shape through its converter.
  const mf = new Miniflare(
    // @ts-expect-error -- Miniflare 5's types for the v4 shape lag what its converter accepts (a
    // `workers` list with ratelimits and direct sockets); the bench runs on it every time.
    convertV4MiniflareOptions({
      // One access-log line per request is part of the worker's cost; printing it is not.
      handleStructuredLogs: (log) => {
        if (log.level === "error" || log.level === "warn") console.error(`[workerd ${log.level}] ${log.message}`);
      },
      // With `inspectorPort`, DevTools can attach to each worker (bench/cpu.mjs --profile).
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      workers: names.map((name) => ({
        ...workerOptions(name, modules[name], 0),
        ...(inspectorPort === undefined ? {} : { unsafeInspectorProxy: true }),
      })),
    }),
  );
  await mf.ready;
  const urls = {};
  for (const name of names) {
    urls[name] = (await mf.unsafeGetDirectURL(name)).href;
  }
  return { mf, urls };
};

/** The real migrations from drizzle/, in order, split at drizzle-kit's statement breakpoints. */
export const applyMigrations = async (db) => {
  const dir = new URL("../drizzle/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  // Recorded in d1_migrations as wrangler does: the worker checks each shard's newest (src/db/shard-schema.ts).
  await db
    .prepare(
      "create table if not exists d1_migrations (id integer primary key autoincrement, name text unique, applied_at timestamp default current_timestamp not null)",
    )
    .run();
  for (const file of files) {
    const sql = await readFile(new URL(file, dir), "utf8");
    const statements = sql
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch([...statements.map((s) => db.prepare(s)), db.prepare("insert into d1_migrations (name) values (?)").bind(file)]);
  }
};
