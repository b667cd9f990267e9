import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

const QUERY_METHODS = new Set<PropertyKey>(["all", "raw", "run", "first"]);

/**
 * Wraps a D1 binding so every network round trip is counted: each `batch()` is one, and so
 * is each statement executed on its own. Statements are unwrapped before reaching the real batch.
 */
export const countingD1 = (db: D1Database) => {
  const counts = { roundTrips: 0, statements: 0 };
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
      if (prop === "prepare") return (query: string) => wrapStatement(target.prepare(query));
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
  return { binding, counts };
};

/** A queue binding that counts messages handed to the queue, then forwards them. */
export const countingQueue = <T>(queue: Queue<T>) => {
  const counts = { sendCalls: 0, messages: 0 };
  const binding = {
    send: (body: T, opts?: QueueSendOptions) => {
      counts.sendCalls++;
      counts.messages++;
      return queue.send(body, opts);
    },
    sendBatch: (batch: Iterable<MessageSendRequest<T>>, opts?: QueueSendBatchOptions) => {
      const list = [...batch];
      counts.sendCalls++;
      counts.messages += list.length;
      return queue.sendBatch(list, opts);
    },
  } as Queue<T>;
  return { binding, counts };
};

/** Sends a request straight to the worker's fetch handler with some bindings replaced. */
export const fetchWithEnv = async (request: Request, overrides: Partial<Cloudflare.Env>) => {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
};
