// mimetext's browser build imports two Babel runtime helpers from @babel/runtime-corejs3, which pull
// in core-js-pure's polyfills: 15 KiB of the 20 KiB gzipped that mimetext adds to the bundle, parsed
// on every cold start, for features every Workers runtime has natively. wrangler.toml's [alias]
// (wrangler dev and deploy) and vitest.config.ts (tests) resolve the two helpers here instead; this
// one is Babel's `_defineProperty` (a class field), done with the native Object.defineProperty.
// test/scripts/mimetext-runtime.test.mjs holds both against Babel's own helpers.
export default function defineProperty<T extends object>(obj: T, key: PropertyKey, value: unknown): T {
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  return obj;
}
