// `npm run dev`: migrate local D1, ensure .dev.vars, seed the demo organization, serve.
// Every step is idempotent, so it is safe on each start; data persists in .wrangler/state.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { seedSql } from "./seed-sql.mjs";

/** Runs wrangler; `quiet` keeps its output unless it fails. */
const run = (args, { quiet = false } = {}) => {
  const result = spawnSync("wrangler", args, { stdio: quiet ? "pipe" : "inherit", encoding: "utf8", env: { ...process.env, CI: "1" } });
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    process.exit(result.status ?? 1);
  }
};

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

run(["d1", "migrations", "apply", "DB", "--local"]);
run(["d1", "execute", "DB", "--local", "--command", seedSql(vars.DEMO_API_KEY)], { quiet: true });
console.log(`Demo organization ready; API key: ${vars.DEMO_API_KEY}`);
console.log('Workers AI has no local mode: each organization\'s learned classifier categorizes tickets (categorySource "fallback").');

// --local: D1 and queues run locally.
const dev = spawn("wrangler", ["dev", "--local", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
