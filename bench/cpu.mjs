// `npm run bench:cpu`: only the CPU pass of `npm run bench` (about 30 s), printed, BENCHMARKS.md untouched.
//   --rounds N          rounds per worker (default 3; the least is kept)
//   --bundle PATH       measure this bundle instead of building one with wrangler deploy --dry-run
//   --against PATH      also measure another bundle (e.g. one built from main) as "against", interleaved
//   --profile FILE      then a V8 CPU profile of ours-replayed under the same load, written to FILE
//                       (Chrome's .cpuprofile) and summarized; use an unminified bundle for names
//                       (wrangler deploy --dry-run --minify=false --outdir DIR, then --bundle DIR/index.js)
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { bodyFor } from "./bodies.mjs";
import { buildDeployedBundle } from "./build.mjs";
import { measureWorkerCpu } from "./cpu-pass.mjs";
import { runLoad } from "./load.mjs";
import { profileWhile, summarizeProfile } from "./profile.mjs";
import { findWorkerdPid } from "./proc-cpu.mjs";
import { startRuntime } from "./runtime.mjs";
import { API_KEY, seedDatabase } from "./seed.mjs";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    bundle: { type: "string" },
    against: { type: "string" },
    profile: { type: "string" },
  },
});
const started = Date.now();
const log = (msg) => console.log(`[bench:cpu ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const bundlePath = args.bundle ?? (log("building the bundle with wrangler deploy --dry-run"), (await buildDeployedBundle()).path);
/** @type {Record<string, string>} */
const replayedBundles = args.against ? { against: args.against } : {};
const names = ["ours-replayed", "floor-replayed", ...Object.keys(replayedBundles), "null"];
const INSPECTOR_PORT = 9239;
const runtime = await startRuntime({
  bundlePath,
  names: names.filter((n) => !(n in replayedBundles)),
  replayedBundles,
  inspectorPort: args.profile ? INSPECTOR_PORT : undefined,
});
try {
  const ids = {};
  for (const name of names.filter((n) => n !== "null")) ids[name] = await seedDatabase(await runtime.mf.getD1Database("DB", name));
  const workerdPid = findWorkerdPid();
  if (workerdPid === null) throw new Error("no workerd process found in /proc");
  const { httpMs, workerMs } = await measureWorkerCpu({ urls: runtime.urls, ids, workerdPid, names, rounds: Number(args.rounds), log });
  log(`HTTP baseline ${httpMs?.toFixed(3)} ms per request`);
  for (const [name, ms] of Object.entries(workerMs)) log(`worker CPU per create, ${name}: ${ms?.toFixed(3)} ms`);
  if (args.profile) {
    let requests = 0;
    const profile = await profileWhile(INSPECTOR_PORT, "ours-replayed", async () => {
      const url = `${runtime.urls["ours-replayed"]}api/ext-v1/ticket/createTicket`;
      const makeBody = (i) => bodyFor(i, ids["ours-replayed"], "prof");
      requests = (
        await runLoad({ url, headers: { "x-api-key": API_KEY }, makeBody, concurrency: 8, durationMs: 5_000, maxRequests: 40_000 })
      ).requests;
    });
    await writeFile(args.profile, JSON.stringify(profile));
    const { totalMs, top } = summarizeProfile(profile);
    log(
      `profile: ${requests} requests, ${((totalMs / requests) * 1000).toFixed(1)} µs sampled busy per request in the isolate; self time:`,
    );
    for (const { fn, share } of top.slice(0, 40))
      console.log(`${((share * totalMs * 1000) / requests).toFixed(2).padStart(7)} µs  ${(share * 100).toFixed(1).padStart(5)} %  ${fn}`);
  }
} finally {
  await runtime.mf.dispose();
}
