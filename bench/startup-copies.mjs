// Startup CPU per isolate, finely: `wrangler check startup` samples about every 1.1 ms and its first
// sample carries a 10–12 ms artefact, so this loads COPIES copies of the bundle into one workerd
// (each its own isolate, its global scope evaluated when workerd loads its config), reads the
// process's CPU time once workerd is ready, and subtracts the same for COPIES empty workers.
// Per isolate = (bundle copies − empty workers) / COPIES; the median over ROUNDS is reported.
import { readFile } from "node:fs/promises";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { cpuSeconds, findWorkerdPid } from "./proc-cpu.mjs";

const COMPATIBILITY_DATE = "2026-11-01";
const EMPTY = "export default { fetch() { return new Response(null); } };";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU seconds workerd spent until it had loaded `copies` workers of `script`. */
const loadCpu = async (script, copies) => {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: Array.from({ length: copies }, (_, i) => ({
        name: `w${i}`,
        modules: [{ type: "ESModule", path: "worker.js", contents: script }],
        compatibilityDate: COMPATIBILITY_DATE,
      })),
    }),
  );
  try {
    await mf.ready;
    return cpuSeconds(findWorkerdPid());
  } finally {
    await mf.dispose();
  }
};

/** Median over `rounds` of the startup CPU per isolate, ms; null where /proc is unavailable. */
export const measureStartupCopies = async (bundlePath, { copies = 40, rounds = 5 } = {}) => {
  const bundle = await readFile(bundlePath, "utf8");
  const perIsolate = [];
  for (let r = 0; r < rounds; r++) {
    const ours = await loadCpu(bundle, copies);
    const empty = await loadCpu(EMPTY, copies);
    if (ours === null || empty === null) return null;
    perIsolate.push(((ours - empty) * 1000) / copies);
  }
  return { copies, rounds, medianMs: median(perIsolate), perRoundMs: perIsolate };
};

if (process.argv[1]?.endsWith("startup-copies.mjs") && process.argv[2]) {
  console.log(await measureStartupCopies(process.argv[2]));
}
