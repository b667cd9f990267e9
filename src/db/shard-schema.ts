import { isShard, shardD1, shardNames } from "./shards";

/**
 * The newest migration in drizzle/ this code needs on every shard. test/platform/shard-schema.test.ts
 * fails when drizzle/ has a newer one, so a new migration cannot ship without moving this forward.
 */
export const SCHEMA_MIGRATION = "0009_email_channel.sql";

/** wrangler's record of applied migrations (`migrations_table`, its default; the test setup's too). */
const MIGRATIONS_TABLE = "d1_migrations";

/** A shard found behind is asked again after this long, so applying its migrations brings it back without a deploy. */
export const RECHECK_BEHIND_MS = 30_000;

export type ShardSchema = { ok: true } | { ok: false; shard: number; binding: string; applied: string | null; needed: string };

type Known = { state: ShardSchema; at: number };

// Per isolate, by binding name (a test's counting proxy of a binding is the same database).
// No shared in-flight promise: Workers must not await another request's I/O, and the few requests an
// isolate starts before the first answer each ask once.
const known = new Map<string, Known>();

/** Forgets what this isolate learned (tests that make a shard fall behind, then restore it). */
export const forgetShardSchemas = () => {
  known.clear();
};

const check = async (env: Parameters<typeof shardD1>[0], shard: number, binding: string): Promise<ShardSchema> => {
  let applied: string | null = null;
  try {
    // Migration names sort in the order they apply (drizzle-kit's 4-digit prefix), so the largest is the newest.
    const row = await shardD1(env, shard).prepare(`select max(name) as name from ${MIGRATIONS_TABLE}`).first<{ name: string | null }>();
    applied = row?.name ?? null;
  } catch (err) {
    // No migrations table: nothing was ever applied. Anything else (D1 unreachable) is not an answer: not cached.
    if (!/no such table/i.test(String(err))) throw err;
  }
  if (applied !== null && applied >= SCHEMA_MIGRATION) return { ok: true };
  const state: ShardSchema = { ok: false, shard, binding, applied, needed: SCHEMA_MIGRATION };
  console.error(
    JSON.stringify({
      msg: "D1 shard schema is behind this worker: its organizations get 503 until `wrangler d1 migrations apply` reaches it",
      ...state,
    }),
  );
  return state;
};

/**
 * Whether shard `shard` has every migration this worker needs. Asked once per isolate per shard (one
 * indexed read of a table of ~10 rows, before the shard's first request; afterwards a Map lookup), so
 * a shard whose migrations were not applied is refused as a whole instead of failing request by
 * request wherever the new schema is used. A behind shard is asked again every RECHECK_BEHIND_MS.
 */
export const shardSchema = async (env: Parameters<typeof shardD1>[0], shard: number): Promise<ShardSchema> => {
  const binding = shardNames(env)[shard]!;
  const seen = known.get(binding);
  if (seen && (seen.state.ok || Date.now() - seen.at < RECHECK_BEHIND_MS)) return seen.state;
  const state = await check(env, shard, binding);
  known.set(binding, { state, at: Date.now() });
  return state;
};

/** How long a queue message for a shard that cannot be served (behind, or not configured) waits before it is tried again. */
export const SHARD_UNAVAILABLE_RETRY_SECONDS = 60;

/**
 * For the queue consumers and the sweepers: whether shard `shard` exists in D1_SHARDS and has this
 * worker's schema. A message naming a shard this deployment lacks is logged (and retried by the
 * caller: D1_SHARDS may be mid-change; the outbox keeps the job either way).
 */
export const shardUsable = async (env: Parameters<typeof shardD1>[0], shard: number): Promise<boolean> => {
  if (!isShard(env, shard)) {
    console.error(
      JSON.stringify({ msg: "queue message names a shard that D1_SHARDS does not have", shard, shards: shardNames(env).length }),
    );
    return false;
  }
  return (await shardSchema(env, shard)).ok;
};
