// The CPU pass of `npm run bench` (BENCHMARKS.md, Method, "worker CPU per create"): workers whose
// D1 batches are replayed from memory and whose queue and rate limiter return at once, minus the
// null worker's CPU per request (HTTP). Shared by bench/run.mjs and bench/cpu.mjs (run alone).
import { bodyFor } from "./bodies.mjs";
import { runLoad } from "./load.mjs";
import { cpuSeconds } from "./proc-cpu.mjs";
import { API_KEY } from "./seed.mjs";

const PATH = "/api/ext-v1/ticket/createTicket";
export const CPU_MS = 2_500;

/**
 * `names`: the replayed workers (and "null", the HTTP baseline) to measure, interleaved round by
 * round so drift hits each alike. Per worker: CPU ms per request of each round, the least of them
 * (other load on the machine only ever adds), and that minus the null worker's least.
 * @param {{ urls: Record<string, string>; ids: Record<string, string[]>; workerdPid: number | null; names: string[];
 *   rounds?: number; roundMs?: number; log?: (msg: string) => void }} options
 * @returns {Promise<{ runs: Record<string, (number | null)[]>; httpMs: number | null; workerMs: Record<string, number | null> }>}
 */
export const measureWorkerCpu = async ({ urls, ids, workerdPid, names, rounds = 3, roundMs = CPU_MS, log = () => {} }) => {
  /** @type {Record<string, (number | null)[]>} */
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  const load = (name, tag, concurrency, durationMs) =>
    runLoad({
      url: urls[name] + PATH.slice(1),
      headers: { "x-api-key": API_KEY },
      makeBody: (i) => bodyFor(i, ids[name] ?? [], tag),
      concurrency,
      durationMs,
      maxRequests: 40_000,
    });
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      await load(name, `cw${r}`, 4, 500);
      const before = cpuSeconds(workerdPid);
      const result = await load(name, `c${r}`, 8, roundMs);
      const after = cpuSeconds(workerdPid);
      if (result.failures.length > 0) throw new Error(`${name}: ${result.failures.length} non-200 answers, e.g. ${result.failures[0]}`);
      runs[name].push(before === null || after === null ? null : ((after - before) * 1000) / result.requests);
      log(`cpu round ${r + 1} ${name}: ${runs[name].at(-1)?.toFixed(3)} ms/request (${result.requests} requests)`);
    }
  }
  /** @param {(number | null)[]} xs */
  const least = (xs) => (xs.includes(null) ? null : Math.min(.../** @type {number[]} */ (xs)));
  const httpMs = least(runs.null ?? [null]);
  const workerMs = Object.fromEntries(
    names.filter((n) => n !== "null").map((n) => [n, httpMs === null ? null : Math.max(0, (least(runs[n]) ?? 0) - httpMs)]),
  );
  return { runs, httpMs, workerMs };
};
