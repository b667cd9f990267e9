import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { jsonPost } from "./http";

const QUERY_METHODS = new Set<PropertyKey>(["all", "raw", "run", "first"]);

/**
 * Wraps a D1 binding so every network round trip is counted: each `batch()` is one, and so
 * is each statement executed on its own. Statements are unwrapped before reaching the real batch.
 * `queries` holds the SQL of every statement prepared through it, in order.
 */
export const countingD1 = (db: D1Database) => {
  const counts = { roundTrips: 0, statements: 0 };
  const queries: string[] = [];
  const originals = new WeakMap<object, D1PreparedStatement>();
  const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args));
        const value = Reflect.get(target, prop, target);
        if (QUERY_METHODS.has(prop)) {
          return (...args: unknown[]) => {
            counts.roundTrips++;
            counts.statements++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    originals.set(proxy, stmt);
    return proxy;
  };
  // D1 sessions (read replication) speak prepare/batch too: they are counted the same way.
  const wrapDb = <D extends D1Database | D1DatabaseSession>(db: D): D =>
    new Proxy(db, {
      get(target, prop) {
        if (prop === "withSession" && "withSession" in target) {
          return (constraint?: string) => wrapDb(target.withSession(constraint));
        }
        if (prop === "prepare") {
          return (query: string) => {
            queries.push(query);
            return wrapStatement(target.prepare(query));
          };
        }
        if (prop === "batch") {
          return (stmts: D1PreparedStatement[]) => {
            counts.roundTrips++;
            counts.statements += stmts.length;
            return target.batch(stmts.map((s) => originals.get(s) ?? s));
          };
        }
        if (prop === "exec" && "exec" in target) {
          return (query: string) => {
            counts.roundTrips++;
            return target.exec(query);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const binding = wrapDb(db);
  return { binding, counts, queries };
};

/**
 * The real queue binding with `send`/`sendBatch` intercepted; `deliver: false` keeps messages
 * out of the queue (so no consumer runs), `deliver: true` forwards them after recording.
 */
const interceptQueue = <T>(queue: Queue<T>, deliver: boolean, record: (bodies: T[]) => void): Queue<T> =>
  new Proxy(queue, {
    get(target, prop) {
      if (prop === "send") {
        return async (body: T, opts?: QueueSendOptions) => {
          record([body]);
          if (deliver) await target.send(body, opts);
        };
      }
      if (prop === "sendBatch") {
        return async (batch: Iterable<MessageSendRequest<T>>, opts?: QueueSendBatchOptions) => {
          const list = [...batch];
          record(list.map((m) => m.body));
          if (deliver) await target.sendBatch(list, opts);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

/** Counts calls and messages handed to the queue, then delivers them. */
export const countingQueue = <T>(queue: Queue<T>) => {
  const counts = { sendCalls: 0, messages: 0 };
  const binding = interceptQueue(queue, true, (bodies) => {
    counts.sendCalls++;
    counts.messages += bodies.length;
  });
  return { binding, counts };
};

/** Records messages instead of delivering them, so the consumer never sees them. */
export const capturingQueue = <T>(queue: Queue<T>) => {
  const messages: T[] = [];
  return { binding: interceptQueue(queue, false, (bodies) => messages.push(...bodies)), messages };
};

/** Sends a request straight to the worker's fetch handler with some bindings replaced. */
export const fetchWithEnv = async (request: Request, overrides: Partial<Cloudflare.Env>) => {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
};

/** createTicket with the queue captured: the ticket stays exactly as it was stored. */
export const createUndispatched = async (apiKey: string, body: unknown) => {
  const queue = capturingQueue(env.JOBS);
  const res = await fetchWithEnv(jsonPost("/api/ext-v1/ticket/createTicket", apiKey, body), { JOBS: queue.binding });
  return { status: res.status, json: (await res.json()) as { ticketId: string }, messages: queue.messages };
};
