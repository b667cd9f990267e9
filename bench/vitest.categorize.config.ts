// The categorize part of `npm run bench` (bench/categorize.mjs): the suite's Workers-runtime setup
// (real local D1 with the real migrations, the worker's queue handler), running
// bench/categorize-cost.test.ts with its output shown.
import { defineConfig } from "vitest/config";
import suite from "../vitest.config";

export default defineConfig(async (env) => {
  const config = await (typeof suite === "function" ? suite(env) : suite);
  return { ...config, test: { ...config.test, include: ["bench/categorize-cost.test.ts"], silent: false, testTimeout: 600_000 } };
});
