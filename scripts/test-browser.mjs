// `npm run test:browser`: opens /docs in headless Chromium against a locally running worker, saves a
// screenshot and fails unless the page shows the createTicket operation. Not part of CI: it needs
// Debian's chromium, which it installs when missing (as root).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCREENSHOT = process.env.SCREENSHOT ?? join(tmpdir(), "ticket-intake-docs.png");
const OPERATION = "/api/ext-v1/ticket/createTicket";

const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: "utf8", ...opts });

const findChromium = () => ["chromium", "chromium-browser"].find((name) => sh("sh", ["-c", `command -v ${name}`]).status === 0);

const ensureChromium = () => {
  if (findChromium()) return findChromium();
  console.log("Installing Debian's chromium…");
  for (const args of [["update"], ["install", "-y", "chromium"]]) {
    const r = sh("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed`);
  }
  return findChromium();
};

/** A port the OS says is free right now; 8787 stays for `npm run dev`. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });

const waitFor = async (url, ms) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms / 1000}s`);
};

const chromiumFlags = (profile) => [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  `--user-data-dir=${profile}`,
  "--window-size=1280,1600",
  // Lets Swagger UI fetch /openapi.json and render before the snapshot is taken.
  "--virtual-time-budget=15000",
];

const { copyDocsAssets } = await import("./copy-docs-assets.mjs");
await copyDocsAssets();
const chromium = ensureChromium();
const port = await freePort();
const state = mkdtempSync(join(tmpdir(), "ticket-intake-browser-"));
// Its own process group, so the worker and wrangler's children stop together.
const worker = spawn(
  "npx",
  ["wrangler", "dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", join(state, "wrangler")],
  { stdio: ["ignore", "inherit", "inherit"], detached: true, env: { ...process.env, CI: "1" } },
);
const stop = () => {
  try {
    if (worker.pid !== undefined) process.kill(-worker.pid, "SIGTERM");
  } catch {
    // already gone
  }
};

let failed = false;
try {
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health`, 90_000);
  const profile = join(state, "profile");
  const url = `${base}/docs`;
  const shot = sh(chromium, [...chromiumFlags(`${profile}-shot`), `--screenshot=${SCREENSHOT}`, url]);
  if (shot.status !== 0) throw new Error(`chromium --screenshot failed: ${shot.stderr}`);
  const dom = sh(chromium, [...chromiumFlags(`${profile}-dom`), "--dump-dom", url], { maxBuffer: 64 * 1024 * 1024 });
  if (dom.status !== 0) throw new Error(`chromium --dump-dom failed: ${dom.stderr}`);
  // Swagger UI renders each operation as an "opblock" carrying its path.
  const shown = dom.stdout.includes(`data-path="${OPERATION}"`) && dom.stdout.includes("opblock");
  console.log(`Screenshot: ${SCREENSHOT}`);
  if (shown) console.log(`OK: /docs shows the createTicket operation (${OPERATION}).`);
  else {
    failed = true;
    console.error(`FAIL: /docs does not show ${OPERATION}.`);
  }
} catch (err) {
  failed = true;
  console.error(`FAIL: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  stop();
  rmSync(state, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
