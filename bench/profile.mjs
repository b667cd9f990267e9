// A V8 CPU profile of one worker while a load runs, over the DevTools protocol Miniflare's
// inspector proxy serves (bench/cpu.mjs --profile). Sampling every 50 µs: a create is ~0.1 ms.

/** Opens the worker's DevTools socket; `send(method, params)` resolves with the result. */
const connect = async (inspectorPort, workerName) => {
  const targets = /** @type {{ title?: string; webSocketDebuggerUrl: string }[]} */ (
    await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()
  );
  const target = targets.find((t) => t.title?.includes(workerName) || t.webSocketDebuggerUrl?.endsWith(`/${workerName}`));
  if (!target) throw new Error(`no DevTools target for ${workerName}: ${JSON.stringify(targets.map((t) => t.title))}`);
  // The proxy refuses a client without an Origin it knows (undici's WebSocket sends a user agent).
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
  };
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close() };
};

/** Runs `work` with the worker's profiler on; returns the profile (Chrome's .cpuprofile format). */
export const profileWhile = async (inspectorPort, workerName, work) => {
  const devtools = await connect(inspectorPort, workerName);
  try {
    await devtools.send("Profiler.enable");
    await devtools.send("Profiler.setSamplingInterval", { interval: 50 });
    await devtools.send("Profiler.start");
    await work();
    return (await devtools.send("Profiler.stop")).profile;
  } finally {
    devtools.close();
  }
};

/**
 * Self time by function (name and script position), most first, and the share of samples whose
 * stack passes through each name in `through` (inclusive time), as fractions of non-idle samples.
 */
export const summarizeProfile = (profile, through = []) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map(through.map((t) => [t, 0]));
  let total = 0;
  profile.samples.forEach((nodeId, i) => {
    const node = byId.get(nodeId);
    const dt = profile.timeDeltas[i] ?? 0;
    if (node.callFrame.functionName === "(idle)") return;
    total += dt;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}:${columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const seen = new Set();
    for (let id = nodeId; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id).callFrame.functionName;
      if (inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, inclusive.get(name) + dt);
      }
    }
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ fn: k, share: v / total }));
  return { totalMs: total / 1000, top, inclusive: Object.fromEntries([...inclusive].map(([k, v]) => [k, v / total])) };
};
