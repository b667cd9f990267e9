import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { shardD1, shardIndexes } from "../../src/db/shards";
import { enforceD1Limits } from "./d1-limits";
import { useLocalAi } from "./local-ai";

// Runs before each test file; storage is per file, and applyD1Migrations skips applied ones. Every
// shard of D1_SHARDS (wrangler.toml: three) gets the same migrations, as `npm run dev` and a deploy apply them.
for (const shard of shardIndexes(env)) {
  const db = shardD1(env, shard);
  await applyD1Migrations(db, env.TEST_MIGRATIONS);
  // From here on every statement the worker or a test runs obeys production D1's limits.
  enforceD1Limits(db);
}
// Workers AI answers every call as it does in local dev, without the runtime's noisy local binding.
useLocalAi(env.AI!);
