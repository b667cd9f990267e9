// Babel's core-js `instance/trim` helper for mimetext (why: ./define-property.ts): given a value, the
// `trim` method to call on it; natively, the value's own `trim`.
export default function trim(it: { trim: unknown }): unknown {
  return it.trim;
}
