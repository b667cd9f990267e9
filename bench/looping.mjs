// Entry module for the in-isolate loop (bench/cpu.mjs --loop): one HTTP request runs `n` creates
// through the worker's own fetch, with the same replayed D1, instant queue and limiter as
// bench/replaying.mjs, so workerd's CPU for it is the worker's work alone, without sockets or HTTP
// parsing; `?null` runs the same loop with a worker that only reads the body and answers (the
// Request and Response objects the loop itself makes). Finer than the HTTP rounds on a busy machine.
// @ts-expect-error -- worker.js is the bundle under test, given to workerd as a module (bench/runtime.mjs).
import worker from "./worker.js";
// @ts-expect-error -- entry.js is bench/replaying.mjs, beside this module.
import replaying from "./replaying.js";

const nullWorker = {
  async fetch(request) {
    await request.text();
    return new Response('{"success":true,"ticketId":"x","message":"Ticket created successfully"}', {
      headers: { "content-type": "application/json" },
    });
  },
};
const ctx = { waitUntil() {}, passThroughOnException() {} };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const { n, bodies, apiKey } = await request.json();
    const target = url.searchParams.has("null") ? nullWorker : null;
    const payloads = bodies.map((b) => JSON.stringify(b));
    for (let i = 0; i < n; i++) {
      const payload = payloads[i % payloads.length];
      const req = new Request("http://bench/api/ext-v1/ticket/createTicket", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(payload.length), "x-api-key": apiKey },
        body: payload,
      });
      const res = target ? await target.fetch(req) : await replaying.fetch(req, env, ctx, worker);
      if (res.status !== 200) return new Response(`create ${i}: ${res.status} ${await res.text()}`, { status: 500 });
      await res.text();
    }
    return new Response(String(n));
  },
};
