// `npm run bench:cpu`: only the CPU pass of `npm run bench` (about 30 s), printed, BENCHMARKS.md untouched.
//   --rounds N          rounds per worker (default 3; the least is kept)
//   --bundle PATH       measure this bundle instead of building one with wrangler deploy --dry-run
//   --against PATH      also measure another bundle (e.g. one built from main) as "against", interleaved
//   --loop N            instead of HTTP rounds: N creates in a loop inside one request per round, in
//                       each bundle's isolate (bench/looping.mjs), minus the same loop with a null
//                       worker: the worker's CPU without sockets and HTTP parsing, finer on a busy machine
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
import { cpuSeconds, findWorkerdPid } from "./proc-cpu.mjs";
import { startRuntime } from "./runtime.mjs";
import { API_KEY, seedDatabase } from "./seed.mjs";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    bundle: { type: "string" },
    against: { type: "string" },
    profile: { type: "string" },
    loop: { type: "string" },
  },
});
const started = Date.now();

/** --loop: CPU per create inside the isolate, per bundle, the least of `rounds`, minus the null loop's. */
async function loopPass(ours, against, n, rounds) {
  const loopedBundles = { "ours-looped": ours, ...(against ? { "against-looped": against } : {}) };
  const runtime = await startRuntime({ bundlePath: ours, names: [], loopedBundles });
  try {
    const workerdPid = findWorkerdPid();
    const names = Object.keys(loopedBundles);
    const ids = {};
    for (const name of names) ids[name] = await seedDatabase(await runtime.mf.getD1Database("DB", name));
    const loop = async (name, count, asNull) => {
      const bodies = Array.from({ length: 8 }, (_, i) => bodyFor(i, ids[name], "loop"));
      const before = cpuSeconds(workerdPid);
      const res = await fetch(`${runtime.urls[name]}${asNull ? "?null" : ""}`, {
        method: "POST",
        body: JSON.stringify({ n: count, bodies, apiKey: API_KEY }),
      });
      if (!res.ok) throw new Error(`${name}: ${await res.text()}`);
      return (((cpuSeconds(workerdPid) ?? 0) - (before ?? 0)) * 1000) / count;
    };
    const least = Object.fromEntries([...names, "null"].map((k) => [k, Infinity]));
    /** @type {number[]} */
    const paired = []; // ours minus against, round by round (adjacent in time, so drift cancels)
    for (const name of names) await loop(name, Math.min(n, 2_000), false); // warm up (JIT, replay records)
    for (let r = 0; r < rounds; r++) {
      const nullMs = await loop(names[0], n, true);
      least.null = Math.min(least.null, nullMs);
      const line = [`null ${nullMs.toFixed(4)}`];
      for (const name of names) {
        const ms = await loop(name, n, false);
        least[name] = Math.min(least[name], ms);
        line.push(`${name} ${ms.toFixed(4)}`);
      }
      if (names.length === 2) paired.push(Number(line[1].split(" ")[1]) - Number(line[2].split(" ")[1]));
      log(`loop round ${r + 1} (ms per create): ${line.join(", ")}`);
    }
    for (const name of names)
      log(
        `worker CPU per create in the loop, ${name}: ${(least[name] - least.null).toFixed(4)} ms (null loop ${least.null.toFixed(4)} ms)`,
      );
    if (paired.length > 0) {
      const sorted = [...paired].sort((a, b) => a - b);
      log(
        `ours minus against, per round: median ${sorted[Math.floor(sorted.length / 2)].toFixed(4)} ms (${sorted.map((x) => x.toFixed(4)).join(" ")})`,
      );
    }
  } finally {
    await runtime.mf.dispose();
  }
}
const log = (msg) => console.log(`[bench:cpu ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const bundlePath = args.bundle ?? (log("building the bundle with wrangler deploy --dry-run"), (await buildDeployedBundle()).path);
/** @type {Record<string, string>} */
const replayedBundles = args.against ? { against: args.against } : {};
const names = ["ours-replayed", "floor-replayed", ...Object.keys(replayedBundles), "null"];
if (args.loop) {
  await loopPass(bundlePath, args.against, Number(args.loop), Number(args.rounds));
  process.exit(0);
}

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
