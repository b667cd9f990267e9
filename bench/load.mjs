// A closed-loop load generator over keep-alive HTTP/1.1: `concurrency` clients, each sending
// its next request as soon as the previous answer is read. Bounded by time and by count.
import http from "node:http";

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const post = (agent, url, headers, payload) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });

export const postJson = (url, headers, body, agent) =>
  post(agent, url, { "content-type": "application/json", ...headers }, JSON.stringify(body));

/**
 * Runs the loop; `makeBody(i)` gives the i-th body. Returns throughput and latency in ms.
 * Any non-200 answer is counted and fails the benchmark: a fast error is not a result.
 */
export const runLoad = async ({ url, headers = {}, makeBody, concurrency, durationMs, maxRequests }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const failures = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async () => {
    while (performance.now() < deadline && next < maxRequests) {
      const payload = JSON.stringify(makeBody(next++));
      const t0 = performance.now();
      const res = await post(agent, url, { "content-type": "application/json", ...headers }, payload);
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failures.push(`${res.status} ${res.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures,
    seconds: elapsed / 1000,
    rps: latencies.length / (elapsed / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
};
