// Node-side (node --test, chained in `npm test`): the Workers-runtime tests cannot touch the filesystem.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { copyDocsAssets } from "../../scripts/copy-docs-assets.mjs";

const OLD = new Date("2020-01-01T00:00:00Z");

/** Two sources copied into a fresh temp dir once, targets' mtimes then set to OLD. */
const copiedOnce = async () => {
  const dir = await mkdtemp(join(tmpdir(), "copy-docs-assets-"));
  const assets = ["a.js", "b.json"].map((f) => [join(dir, "src", f), join(dir, "out", "docs", f)]);
  await mkdir(join(dir, "src"));
  for (const [from] of assets) await writeFile(from, `contents of ${from}`);
  assert.deepEqual(
    await copyDocsAssets(assets),
    assets.map(([, to]) => to),
  );
  for (const [, to] of assets) await utimes(to, OLD, OLD);
  return assets;
};

describe("copyDocsAssets", () => {
  it("rewrites nothing when no source changed", async () => {
    const assets = await copiedOnce();
    assert.deepEqual(await copyDocsAssets(assets), []);
    for (const [, to] of assets) assert.equal((await stat(to)).mtimeMs, OLD.getTime());
  });

  it("rewrites exactly the target whose source changed", async () => {
    const assets = await copiedOnce();
    const [[changedFrom, changedTo], [, untouched]] = assets;
    await writeFile(changedFrom, "new contents");
    assert.deepEqual(await copyDocsAssets(assets), [changedTo]);
    assert.equal(await readFile(changedTo, "utf8"), "new contents");
    assert.notEqual((await stat(changedTo)).mtimeMs, OLD.getTime());
    assert.equal((await stat(untouched)).mtimeMs, OLD.getTime());
  });
});
