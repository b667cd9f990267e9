// Node-side (node --test, chained in `npm test`): what the worker's module graph may not hold. Bundles
// src/index.ts the way wrangler does (esbuild, ESM, every dynamic import inlined) and reads esbuild's
// metafile for the modules with code in the output: the build-time modules (`*.docs.ts`, src/api/openapi-document.ts) and classic Zod must
// not be in it (ARCHITECTURE.md: "Zod in the worker" and "Routes, validation and the OpenAPI document").
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const inputs = async () => {
  const { metafile } = await build({
    entryPoints: [fileURLToPath(new URL("../../src/index.ts", import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    external: ["cloudflare:*", "node:*"],
    outdir: "out",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  // What ends up in the output: an imported module whose code is all tree-shaken away contributes
  // nothing, or an empty namespace object of a few bytes where something does `import * as`.
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 64)
    .map(([path]) => path);
};

describe("the worker's module graph", () => {
  it("holds no build-time module: no *.docs.ts, no openapi-document.ts", async () => {
    const all = await inputs();
    assert.ok(
      all.some((p) => p.endsWith("src/api/tickets/schemas.ts")),
      "the bundle was built from src/",
    );
    assert.deepEqual(
      all.filter((p) => /\.docs\.ts$|openapi-document\.ts$/.test(p)),
      [],
    );
  });

  it("holds zod/mini and no classic Zod (whose schemas carry every method and the JSON-Schema converter)", async () => {
    const all = await inputs();
    assert.ok(all.some((p) => p.includes("node_modules/zod/v4/mini/")));
    assert.deepEqual(
      all.filter((p) => /node_modules\/zod\/v4\/classic\/|json-schema-processors|to-json-schema/.test(p)),
      [],
    );
  });
});
