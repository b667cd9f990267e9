// Node-side (node --test, chained in `npm test`): the native stand-ins for mimetext's two Babel runtime
// helpers (src/lib/mimetext-runtime/, aliased in wrangler.toml and vitest.config.ts) behave like
// Babel's own, which Node can still load from node_modules.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import babelDefineProperty from "@babel/runtime-corejs3/helpers/esm/defineProperty";
import babelTrim from "@babel/runtime-corejs3/core-js/instance/trim";
import defineProperty from "../../src/lib/mimetext-runtime/define-property.ts";
import trim from "../../src/lib/mimetext-runtime/trim.ts";

describe("mimetext's Babel helpers, natively", () => {
  it("defineProperty sets an own, enumerable, writable, configurable value and returns the object", () => {
    for (const key of ["name", "fields", Symbol.for("x")]) {
      const ours = defineProperty({}, key, [1]);
      const theirs = babelDefineProperty({}, key, [1]);
      assert.deepEqual(Object.getOwnPropertyDescriptor(ours, key), Object.getOwnPropertyDescriptor(theirs, key));
    }
  });

  it("trim gives the method that trims the string it is called on", () => {
    for (const s of ["  a b  ", "\t\r\nx\u00a0", "", "plain"]) assert.equal(trim(s).call(s), babelTrim(s).call(s));
  });
});
