// Zod's locale index as this worker bundles it: English only. Zod re-exports its ~45 locales as a
// namespace (`z.locales`, `z.core.locales`), and @hono/zod-openapi hands the whole `z` namespace to
// zod-to-openapi, so no bundler can drop the unused ones: 260 KiB of the minified bundle, parsed on
// every cold start. wrangler.toml's [alias] (wrangler dev and deploy) and vitest.config.ts (tests)
// resolve Zod's `../locales/index.js` here instead. Error messages are English either way: Zod
// registers `en` itself (zod/v4/classic/schemas.js), and the API answers in English.
export { default as en } from "zod/v4/locales/en.js";
