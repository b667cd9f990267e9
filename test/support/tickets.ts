import { ALL_SHARDS, shardDb } from "./shards";
import { call } from "./http";

export const CREATE = "/api/ext-v1/ticket/createTicket";

export const createTicket = (key: string, body: unknown, headers?: Record<string, string>) => call("POST", CREATE, { key, body, headers });

export const getTicket = (key: string, id: string) => call("GET", `/api/ext-v1/ticket/getTicket/${id}`, { key });

/** Creates a ticket and fails loudly unless it was accepted; returns its id. */
export const newTicket = async (key: string, body: Record<string, unknown>) => {
  const res = await createTicket(key, { customerEmail: "someone@example.com", ...body });
  if (res.status !== 200) throw new Error(`createTicket failed: ${res.status} ${res.text}`);
  return res.json.ticketId;
};

/** A query's rows on one shard. */
export const rowsOn = async <T = Record<string, unknown>>(shard: number, query: string, ...params: unknown[]) =>
  (
    await shardDb(shard)
      .prepare(query)
      .bind(...params)
      .all<T>()
  ).results;

const aggregateOnly = (list: Record<string, unknown>[]) =>
  list.length === 1 && Object.values(list[0]!).every((v) => v === null || typeof v === "number");

/**
 * A query's rows, wherever they are: tests query (or update, by id) one organization's or one ticket's
 * rows, which live on one shard, so the query runs on every shard and the answers are put together. Rows are
 * concatenated (ids are unique across shards). An aggregate (one row of numbers from every shard:
 * `count(*)`, `max(…)`) is added up column by column, nulls left out: the other shards hold none
 * of the rows, so the sum is the owning shard's answer.
 */
export const rows = async <T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> => {
  // An update, a delete or an `insert … select` by id touches the one shard that has the row; `insert … values` must name its shard.
  if (/^\s*insert\b[\s\S]*\bvalues\b/i.test(query)) throw new Error("rows() runs on every shard; insert values with rowsOn(org.shard, …)");
  const answers = await Promise.all(ALL_SHARDS.map((shard) => rowsOn<Record<string, unknown>>(shard, query, ...params)));
  if (answers.every(aggregateOnly)) {
    const sum: Record<string, number | null> = {};
    for (const [row] of answers) {
      for (const [k, v] of Object.entries(row!)) sum[k] = v === null ? (sum[k] ?? null) : ((sum[k] as number | null) ?? 0) + (v as number);
    }
    return [sum as T];
  }
  return answers.flat() as T[];
};

/**
 * `env.DB.prepare(…)` for tests that reach rows by id without knowing their shard: `all` and `first`
 * are `rows` (every shard, put together), `run` runs on every shard (an update by id changes the
 * one row there is).
 */
export const allShards = {
  prepare: (query: string) => {
    const statement = (params: unknown[]) => ({
      bind: (...values: unknown[]) => statement(values),
      all: async <T = Record<string, unknown>>() => ({ results: await rows<T>(query, ...params) }),
      first: async <T = Record<string, unknown>>() => (await rows<T>(query, ...params))[0] ?? null,
      run: async () => {
        const results = await Promise.all(
          ALL_SHARDS.map((shard) =>
            shardDb(shard)
              .prepare(query)
              .bind(...params)
              .run(),
          ),
        );
        return { changes: results.reduce((n, r) => n + r.meta.changes, 0) };
      },
    });
    return statement([]);
  },
};
