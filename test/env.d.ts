// Test-only bindings (vitest.config.ts) on top of the worker's own, which src/worker-configuration.d.ts
// (`wrangler types`) declares with `exports`' main module.
// (skipLibCheck skips .d.ts files, so a mistake here shows up as errors in the tests that use it.)
// Vite's `import.meta.glob` and `import.meta.env` (the golden SQL test reads test/sql/ with them).
/// <reference types="vite/client" />
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** wrangler.toml's `[[ratelimits]]`, as wrangler parses them (vitest.config.ts). */
      TEST_WRANGLER_RATELIMITS: { name: string; simple: { limit: number; period: number } }[];
    }
  }
}
