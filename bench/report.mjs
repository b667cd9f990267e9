// Renders the results as Markdown and rewrites the generated block of BENCHMARKS.md.
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { createRequire } from "node:module";

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";
const FILE = new URL("../BENCHMARKS.md", import.meta.url);

export const machine = async () => {
  const require = createRequire(import.meta.url);
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    miniflare: require("miniflare/package.json").version,
    wrangler: require("wrangler/package.json").version,
  };
};

const f = (x, digits = 2) => (x === null || x === undefined ? "n/a" : x.toFixed(digits));
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : "n/a");
const unique = (costs, key) => [...new Set(Object.values(costs).flatMap((c) => c[key]))].join(" / ");

export const renderTable = (r) => {
  const { ours, floor, bundle, startup, machine: m, settings: s } = r;
  const verdict = (ok) => (ok ? "met" : "**missed**");
  const throughputRatio = ours.rps / floor.rps;
  return [
    `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os};`,
    `Node ${m.node}, wrangler ${m.wrangler}, miniflare ${m.miniflare}. Whole run: ${r.durationSeconds.toFixed(0)} s.`,
    "",
    `| createTicket (${s.concurrency} clients, median of ${s.rounds} × ${s.roundMs / 1000} s) | ticket-intake | floor | ours / floor | target |`,
    "|---|---:|---:|---:|---|",
    `| throughput, requests/s | ${f(ours.rps, 0)} | ${f(floor.rps, 0)} | **${throughputRatio.toFixed(2)}** | ≥ 0.90: ${verdict(throughputRatio >= 0.9)} |`,
    `| latency p50 / p99 under load, ms | ${f(ours.p50)} / ${f(ours.p99)} | ${f(floor.p50)} / ${f(floor.p99)} | ${ratio(ours.p50, floor.p50)} / ${ratio(ours.p99, floor.p99)} | |`,
    `| latency p50 / p99, one client, ms | ${f(ours.unloadedP50)} / ${f(ours.unloadedP99)} | ${f(floor.unloadedP50)} / ${f(floor.unloadedP99)} | ${ratio(ours.unloadedP50, floor.unloadedP50)} / ${ratio(ours.unloadedP99, floor.unloadedP99)} | |`,
    `| worker CPU per create, ms (I/O answered from memory, HTTP baseline ${f(r.httpBaselineCpuMs, 3)} ms subtracted) | ${f(ours.workerCpuMsPerRequest, 3)} | ${f(floor.workerCpuMsPerRequest, 3)} | ${ours.workerCpuMsPerRequest === null ? "n/a" : `+${f(ours.workerCpuMsPerRequest - floor.workerCpuMsPerRequest, 3)} ms`} | ≤ 0.12: ${verdict(ours.workerCpuMsPerRequest !== null && ours.workerCpuMsPerRequest <= 0.12)} |`,
    `| whole workerd CPU per create, ms (worker + local D1 + queue + HTTP) | ${f(ours.processCpuMsPerRequest, 3)} | ${f(floor.processCpuMsPerRequest, 3)} | ${ratio(ours.processCpuMsPerRequest, floor.processCpuMsPerRequest)} | |`,
    `| workerd cores busy during the load | ${f(ours.workerdCoreUse)} | ${f(floor.workerdCoreUse)} | | |`,
    `| D1 round trips per create | ${unique(ours.costs, "d1")} | ${unique(floor.costs, "d1")} | | 1 |`,
    `| queue sends per create | ${unique(ours.costs, "queueSends")} | ${unique(floor.costs, "queueSends")} | | 1 |`,
    `| D1 rows written / read per create, by body kind (new email, known email, id, chat) | ${Object.values(ours.costs)
      .map((c) => c.rows.join(" "))
      .join(", ")} | ${Object.values(floor.costs)
      .map((c) => c.rows.join(" "))
      .join(", ")} | | |`,
    `| D1 storage per ticket of this mix, bytes (rows + indexes) | ${f(r.bytesPerTicket, 0)} | | | |`,
    `| acknowledged creates / tickets found in D1 afterwards | ${ours.acknowledged} / ${ours.stored} | ${floor.acknowledged} / ${floor.stored} | | equal |`,
    "",
    "| bundle (wrangler deploy --dry-run) | size, KiB | gzipped, KiB | target |",
    "|---|---:|---:|---|",
    `| as deployed (wrangler.toml as it is) | ${f(bundle.deployed.rawKiB, 1)} | ${f(bundle.deployed.gzipKiB, 1)} | ≤ 75: ${verdict(bundle.deployed.gzipKiB <= 75)} |`,
    `| with \`--minify\` | ${f(bundle.minified.rawKiB, 1)} | ${f(bundle.minified.gzipKiB, 1)} | ≤ 75: ${verdict(bundle.minified.gzipKiB <= 75)} |`,
    "",
    `Startup CPU per isolate, ${r.startupCopies ? `${r.startupCopies.copies} copies of the bundle in one workerd minus as many empty workers, median of ${r.startupCopies.rounds} rounds: ${f(r.startupCopies.medianMs, 1)} ms (rounds: ${r.startupCopies.perRoundMs.map((x) => f(x, 1)).join(", ")}; target ≤ 15 ms: ${verdict(r.startupCopies.medianMs <= 15)})` : "n/a"}. \`wrangler check startup\`, median of 5: ${f(startup.activeMs, 1)} ms, ${f(startup.gcMs, 1)} ms of it GC (samples about every 1.1 ms; its first sample carries a 10–12 ms artefact).`,
  ].join("\n");
};

export const updateBenchmarksMd = async (results) => {
  const table = renderTable(results);
  const text = await readFile(FILE, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`BENCHMARKS.md lacks the ${START} … ${END} markers`);
  await writeFile(FILE, `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`);
  return table;
};
