import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { unstable_readConfig } from "wrangler";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  // wrangler reads wrangler.toml (and .dev.vars) once per test file; at its default level it says
  // "Using secrets defined in .dev.vars" each time. Its warnings and errors still print; the bindings
  // the tests depend on are set below, whatever .dev.vars holds. WRANGLER_LOG=debug still shows everything.
  process.env.WRANGLER_LOG ??= "warn";
  // The same SQL files wrangler applies, applied to each test file's isolated D1.
  const migrations = await readD1Migrations(fileURLToPath(new URL("./drizzle", import.meta.url)));
  // wrangler.toml as wrangler reads it, for the test that the code's copy of its numbers matches.
  const { ratelimits } = unstable_readConfig({ config: fileURLToPath(new URL("./wrangler.toml", import.meta.url)) });
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        // Workers AI has no local mode; tests replace it with a fake at the binding.
        remoteBindings: false,
        miniflare: {
          // No test reaches the network: outbound fetches land here unless a test intercepts them
          // itself (test/support/slack.ts). Webhook hosts get Slack's "ok", anything else a 502.
          outboundService: (request: Request) =>
            /^(https:\/\/hooks\.slack\.com|http:\/\/slack\.test)\//.test(request.url)
              ? new Response("ok")
              : new Response("outbound network is disabled in tests", { status: 502 }),
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_WRANGLER_RATELIMITS: ratelimits,
            ADMIN_TOKEN: "test-admin-token",
            SLACK_WEBHOOK_ALLOWED_ORIGINS: "https://hooks.slack.com,http://slack.test",
            // No second-long waits between fake Slack posts; test/jobs/slack-pacing.test.ts turns it back on.
            SLACK_MIN_INTERVAL_MS: "0",
            // Encrypts webhook secrets at rest in the tests' D1 (base64 of 32 bytes; a test value).
            WEBHOOK_SECRET_KEY: "dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0LWtleS0zMiE=",
            WEBHOOK_ALLOWED_HTTP_ORIGINS: "",
          },
        },
      }),
    ],
    // The same module graph as wrangler's bundle: Zod's locale index is English only, mimetext's
    // Babel helpers are native (wrangler.toml's [alias]).
    resolve: {
      alias: [
        { find: /^\.\.\/locales\/index\.js$/, replacement: fileURLToPath(new URL("./src/lib/zod-locales.ts", import.meta.url)) },
        // mimetext's Babel runtime helpers, natively (wrangler.toml's [alias], src/lib/mimetext-runtime/).
        {
          find: /^@babel\/runtime-corejs3\/helpers\/esm\/defineProperty$/,
          replacement: fileURLToPath(new URL("./src/lib/mimetext-runtime/define-property.ts", import.meta.url)),
        },
        {
          find: /^@babel\/runtime-corejs3\/core-js\/instance\/trim$/,
          replacement: fileURLToPath(new URL("./src/lib/mimetext-runtime/trim.ts", import.meta.url)),
        },
      ],
    },
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/support/apply-migrations.ts"],
      testTimeout: 20_000,
      // Every spy (fake AI, Slack, captured queue sends) is undone after each test, in every file.
      restoreMocks: true,
      // Console output (one access-log line per request) only for tests that fail.
      silent: "passed-only" as const,
    },
  };
});
