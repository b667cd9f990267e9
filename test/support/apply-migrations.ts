import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { enforceD1Limits } from "./d1-limits";
import { useLocalAi } from "./local-ai";

// Runs before each test file; storage is per file, and applyD1Migrations skips applied ones.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// From here on every statement the worker or a test runs obeys production D1's limits.
enforceD1Limits(env.DB);
// Workers AI answers every call as it does in local dev, without the runtime's noisy local binding.
useLocalAi(env.AI!);
