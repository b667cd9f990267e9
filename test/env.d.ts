// Types for `env` and `exports` from "cloudflare:workers" inside tests.
// (skipLibCheck skips .d.ts files, so a mistake here shows up as errors in the tests that use it.)
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
