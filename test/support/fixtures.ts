import { test } from "vitest";
import { createOrg, type TestOrg } from "./orgs";
import { orgWithCategories } from "./pipeline";
import { captureSends } from "./queue";

/**
 * `it` with the setup most tests repeat, as vitest fixtures: each is made fresh for the test that
 * names it (every test gets its own organization), and only when named.
 * - `org`: a new organization and its API key;
 * - `categorizedOrg`: one with the pipeline tests' categories (test/support/pipeline.ts);
 * - `sends`: the worker's queue sends, kept in the test (test/support/queue.ts).
 */
export const it = test.extend<{ org: TestOrg; categorizedOrg: TestOrg; sends: ReturnType<typeof captureSends> }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this destructuring.
  org: async ({}, use) => use(await createOrg()),
  // biome-ignore lint/correctness/noEmptyPattern: as above.
  categorizedOrg: async ({}, use) => use(await orgWithCategories()),
  // biome-ignore lint/correctness/noEmptyPattern: as above.
  sends: async ({}, use) => use(captureSends()),
});
