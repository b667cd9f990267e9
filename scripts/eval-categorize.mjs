// `npm run eval:categorize`: runs eval/categorize.eval.ts in the Workers runtime (eval/vitest.config.ts),
// collects its `EVAL {...}` lines and rewrites the categorization block of BENCHMARKS.md with them.
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const BENCHMARKS = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
const START = "<!-- eval:categorize:start -->";
const END = "<!-- eval:categorize:end -->";

// Extra arguments go to vitest (`npm run eval:categorize -- -t operator` runs one set).
const run = spawnSync("vitest", ["run", "--config", "eval/vitest.config.ts", ...process.argv.slice(2)], {
  encoding: "utf8",
  maxBuffer: 256 * 1024 * 1024,
});
const output = `${run.stdout}${run.stderr}`;
if (run.status !== 0) {
  process.stderr.write(output.slice(-5_000));
  process.exit(run.status ?? 1);
}
/** @type {{ set: string; classifier: string; labels: number; accuracy: number; none: number; orderMin?: number; orderMax?: number }[]} */
const results = [...output.matchAll(/^.*EVAL (\{.*\})$/gm)].map((m) => JSON.parse(m[1] ?? "{}"));
if (results.length === 0) {
  console.error("no EVAL lines in the output");
  process.exit(1);
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const rows = results.map(
  (r) =>
    `| ${r.set} | ${r.classifier} | ${r.labels} | ${pct(r.accuracy)} | ${pct(r.none)} | ${
      r.orderMin === undefined
        ? ""
        : r.orderMin === r.orderMax
          ? `${pct(r.orderMin)} (all orders)`
          : `${pct(r.orderMin)}–${pct(r.orderMax)}`
    } |`,
);
const block = [
  START,
  `Last run: ${new Date().toISOString().slice(0, 10)}, \`npm run eval:categorize\` (${results.length} rows).`,
  "",
  '| set | classifier | labelled tickets per category | accuracy | "none" | accuracy over 10 category orders |',
  "|---|---|---:|---:|---:|---|",
  ...rows,
  END,
].join("\n");

const current = await readFile(BENCHMARKS, "utf8");
const start = current.indexOf(START);
const end = current.indexOf(END);
if (start < 0 || end < 0) {
  console.error(`BENCHMARKS.md has no ${START} … ${END} block`);
  process.exit(1);
}
await writeFile(BENCHMARKS, current.slice(0, start) + block + current.slice(end + END.length));
console.log(block);
