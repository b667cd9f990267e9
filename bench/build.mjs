// The deployable bundle exactly as `wrangler deploy` would upload it, its gzipped size, and
// the worker's startup CPU time from `wrangler check startup`.
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = fileURLToPath(new URL("./out/", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));

const wrangler = (...args) =>
  run(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });

const KIB = 1024;

const dryRun = async (outdir, extra = []) => {
  await rm(outdir, { recursive: true, force: true });
  const { stdout } = await wrangler("deploy", "--dry-run", "--outdir", outdir, ...extra);
  const reported = stdout.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
  const code = await readFile(`${outdir}/index.js`);
  return {
    path: `${outdir}/index.js`,
    rawKiB: code.length / KIB,
    gzipKiB: gzipSync(code).length / KIB,
    wranglerGzipKiB: reported ? Number(reported[2]) : null,
  };
};

/** The bundle exactly as configured in wrangler.toml, built into `outdir`. */
export const buildDeployedBundle = (outdir = `${OUT}bundle`) => dryRun(outdir);

/** The bundle as configured in wrangler.toml, plus a minified one for comparison. */
export const buildBundles = async () => ({
  deployed: await dryRun(`${OUT}bundle`),
  minified: await dryRun(`${OUT}bundle-minified`, ["--minify"]),
});

/** Milliseconds a V8 CPU profile shows the isolate busy (every sample but "(idle)"), and GC. */
const activeTime = (profile) => {
  const nameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let active = 0;
  let gc = 0;
  profile.samples.forEach((nodeId, i) => {
    const name = nameOf.get(nodeId);
    if (name === "(idle)") return;
    active += profile.timeDeltas[i] ?? 0;
    if (name === "(garbage collector)") gc += profile.timeDeltas[i] ?? 0;
  });
  return { activeMs: active / 1000, gcMs: gc / 1000 };
};

/** Startup CPU (module evaluation) per `wrangler check startup`, median of `runs`. */
export const measureStartup = async (runs) => {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const outfile = `${OUT}startup-${i}.cpuprofile`;
    await wrangler("check", "startup", "--outfile", outfile);
    results.push(activeTime(JSON.parse(await readFile(outfile, "utf8"))));
  }
  results.sort((a, b) => a.activeMs - b.activeMs);
  return results[Math.floor(results.length / 2)];
};
