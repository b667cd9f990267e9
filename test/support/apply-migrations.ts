import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { enforceD1Limits } from "./d1-limits";

// Runs before each test file; storage is per file, and applyD1Migrations skips applied ones.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// From here on every statement the worker or a test runs obeys production D1's limits.
enforceD1Limits(env.DB);
