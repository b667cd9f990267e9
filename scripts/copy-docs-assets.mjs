// Fills the static-assets directory that serves /docs and /openapi.json: Swagger UI's standalone
// bundle from node_modules, and docs/openapi.json (made by `npm run openapi`). Generated rather than
// committed (about 2 MB); `npm test`, `npm run dev` and `npm run deploy` run it first. Static assets
// stay out of the worker bundle. A file is written only when its contents changed: a running
// `npm run dev` watches this directory and would reload (losing queued retries) on every rewrite.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const source = createRequire(import.meta.url)("swagger-ui-dist").getAbsoluteFSPath();
const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** [from, to] pairs. */
export const ASSETS = [
  ...["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"].map((f) => [join(source, f), root(`public/docs/${f}`)]),
  [root("docs/openapi.json"), root("public/openapi.json")],
];

/** Copies every asset whose target is missing or differs; returns the targets it wrote. `assets` is
 * a parameter so test/scripts/copy-docs-assets.test.mjs can copy into a temporary directory. */
export const copyDocsAssets = async (assets = ASSETS) => {
  const written = [];
  for (const [from, to] of assets) {
    await mkdir(dirname(to), { recursive: true });
    const contents = await readFile(from);
    const current = await readFile(to).catch(() => null);
    if (current?.equals(contents)) continue;
    await writeFile(to, contents);
    written.push(to);
  }
  return written;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await copyDocsAssets();
