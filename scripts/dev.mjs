// `npm run dev`: migrate local D1, ensure .dev.vars, seed the demo organization, serve.
// Every step is idempotent, so it is safe on each start; data persists in .wrangler/state.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { seedSql } from "./seed-sql.mjs";

/** Runs wrangler and returns what it printed; `quiet` shows that only if it fails. */
const run = (args, { quiet = false } = {}) => {
  const result = spawnSync("wrangler", args, { stdio: quiet ? "pipe" : "inherit", encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    process.exit(result.status ?? 1);
  }
  return result.stdout ?? "";
};

/**
 * One line for what `d1 migrations apply` did. Its own output is a table of the pending migrations,
 * a confirmation prompt (answered by its non-interactive fallback), then the whole table again after
 * each migration: a screenful on every start that has anything to apply.
 */
const migrationSummary = (binding, output) => {
  if (/No migrations to apply/.test(output)) return `Local D1 ${binding}: migrations up to date.`;
  const pending = output.split(/About to apply/)[0] ?? "";
  const names = [...pending.matchAll(/\b(\d{4}_[\w-]+)\.sql\b/g)].map((m) => m[1]);
  return names.length ? `Local D1 ${binding}: applied ${names.join(", ")}.` : `Local D1 ${binding}: migrations applied.`;
};

/**
 * The shards' D1 bindings, in order: wrangler.toml's D1_SHARDS (src/db/shards.ts reads the same
 * variable). Every shard gets every migration; the worker refuses a shard that is behind.
 */
const shardBindings = (toml) =>
  (toml.match(/^D1_SHARDS\s*=\s*"([^"]*)"/m)?.[1] ?? "DB")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example");
}
const vars = Object.fromEntries(
  readFileSync(".dev.vars", "utf8")
    .split("\n")
    .filter((line) => /^\s*[A-Z_]+\s*=/.test(line))
    .map((line) => {
      const [name, ...rest] = line.split("=");
      return [
        name.trim(),
        rest
          .join("=")
          .trim()
          .replace(/^"(.*)"$/, "$1"),
      ];
    }),
);
if (!vars.DEMO_API_KEY) {
  console.error("DEMO_API_KEY is missing from .dev.vars");
  process.exit(1);
}

for (const binding of shardBindings(readFileSync("wrangler.toml", "utf8"))) {
  console.log(migrationSummary(binding, run(["d1", "migrations", "apply", binding, "--local"], { quiet: true })));
}
// The demo organization's key (`tik_…`, no shard in it) is shard 0's, like every key issued before sharding.
run(["d1", "execute", "DB", "--local", "--command", seedSql(vars.DEMO_API_KEY)], { quiet: true });
console.log(`Demo organization ready; API key: ${vars.DEMO_API_KEY}`);
console.log('Workers AI has no local mode: each organization\'s learned classifier categorizes tickets (categorySource "fallback").');

// --local: D1 and queues run locally.
const dev = spawn("wrangler", ["dev", "--local", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
