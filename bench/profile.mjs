// CPU time of one worker's isolate, measured with V8's sampling profiler over the inspector
// (the method `wrangler check startup` uses for startup). The isolate's samples exclude D1
// and the queue broker, which run in other isolates, so this is close to what Cloudflare
// bills as a request's CPU time: JavaScript, GC and runtime work on the worker's behalf.

const connect = (url) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let nextId = 0;
    const pending = new Map();
    ws.addEventListener("message", (event) => {
      const msg = JSON.parse(event.data);
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(msg.error.message));
      else waiter.resolve(msg.result);
    });
    ws.addEventListener("error", () => reject(new Error(`inspector connection to ${url} failed`)));
    ws.addEventListener("open", () =>
      resolve({
        send: (method, params = {}) =>
          new Promise((res, rej) => {
            const id = ++nextId;
            pending.set(id, { resolve: res, reject: rej });
            ws.send(JSON.stringify({ id, method, params }));
          }),
        close: () => ws.close(),
      }),
    );
  });

/** Milliseconds the profile shows the isolate busy (every sample except "(idle)"), and GC. */
export const activeTime = (profile) => {
  const nameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let active = 0;
  let gc = 0;
  profile.samples.forEach((nodeId, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const name = nameOf.get(nodeId);
    if (name === "(idle)") return;
    active += dt;
    if (name === "(garbage collector)") gc += dt;
  });
  return { activeMs: active / 1000, gcMs: gc / 1000, samples: profile.samples.length };
};

/** Runs `work` with the profiler attached to `workerName`'s isolate; returns busy time. */
export const profileWorker = async (inspectorUrl, workerName, work) => {
  const session = await connect(`ws://${new URL(inspectorUrl).host}/core:user:${workerName}`);
  try {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
    await session.send("Profiler.start");
    const result = await work();
    const { profile } = await session.send("Profiler.stop");
    return { ...activeTime(profile), result };
  } finally {
    session.close();
  }
};
