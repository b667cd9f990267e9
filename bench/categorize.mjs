// The categorize part of `npm run bench` (alone: `npm run bench -- categorize`): D1 rows read per
// categorize job and the learned state per organization, through the worker's queue handler on
// local D1 (bench/categorize-cost.test.ts), and the job's own CPU (bench/categorize-cpu.ts), at 0 and
// 100 labelled tickets per category. Rewrites BENCHMARKS.md's categorize block.
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";

const FILE = new URL("../BENCHMARKS.md", import.meta.url);
const START = "<!-- bench:categorize:start -->";
const END = "<!-- bench:categorize:end -->";

const run = (cmd, args, tag) => {
  const out = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const text = `${out.stdout}${out.stderr}`;
  if (out.status !== 0) {
    process.stderr.write(text.slice(-5_000));
    throw new Error(`${cmd} ${args.join(" ")} failed`);
  }
  return [...text.matchAll(new RegExp(`^.*${tag} (\\{.*\\})$`, "gm"))].map((m) => JSON.parse(m[1]));
};

console.log("[bench categorize] D1 rows read per job, through the queue handler on local D1");
const costs = run("vitest", ["run", "--config", "bench/vitest.categorize.config.ts"], "COST");
console.log("[bench categorize] the job's own CPU");
const cpus = run("tsx", ["bench/categorize-cpu.ts"], "CPU");

const rows = costs.map((c) => {
  const cpu = cpus.find((x) => x.labels === c.labels);
  return `| ${c.labels} | ${cpu ? cpu.cpuMsPerJob.toFixed(3) : "n/a"} | ${c.rowsReadPerJob.toFixed(1)} | ${c.roundTripsPerJob} | ${c.termRows} + ${c.labelRows} | ${(c.bytes / 1024).toFixed(1)} |`;
});
const block = [
  START,
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, \`npm run bench -- categorize\`: the operator-style set's ${costs[0]?.categories} categories, ${costs[0]?.jobs} categorize jobs per setting (rows) and ${cpus[0]?.jobs} (CPU).`,
  "",
  "| labelled tickets per category | job CPU, ms (classifier + prompt examples) | D1 rows read per job | D1 round trips per job | learned rows (terms + labels) | learned state, KiB (column payload) |",
  "|---:|---:|---:|---:|---:|---:|",
  ...rows,
  END,
].join("\n");
const text = await readFile(FILE, "utf8");
const start = text.indexOf(START);
const end = text.indexOf(END);
if (start === -1 || end === -1) throw new Error(`BENCHMARKS.md lacks the ${START} … ${END} markers`);
await writeFile(FILE, text.slice(0, start) + block + text.slice(end + END.length));
console.log(block);
