// `npm run eval:categorize`: the suite's own Workers-runtime setup (real local D1 with the real
// migrations, the worker's queue handler), running eval/*.eval.ts instead of the tests, with
// their output shown (scripts/eval-categorize.mjs reads the result lines).
import { defineConfig } from "vitest/config";
import suite from "../vitest.config";

export default defineConfig(async (env) => {
  const config = await (typeof suite === "function" ? suite(env) : suite);
  return { ...config, test: { ...config.test, include: ["eval/**/*.eval.ts"], silent: false, testTimeout: 900_000 } };
});
