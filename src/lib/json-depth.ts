/**
 * How deep a caller's stored JSON (customer `metadata`, device `properties`) may nest objects and
 * arrays: far beyond any real metadata, and far inside SQLite's JSON parser limit of 1,000 levels,
 * past which D1 refuses the value as malformed JSON (bulk-metadata reads its map with json_each,
 * one level more than the metadata itself). A value within this limit is stored by every path.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether `value` nests objects and arrays at most `max` levels deep (`{}` and `[1]` are one level,
 * a primitive none). Iterative, so any depth a body parser produced is measured without recursion;
 * it stops at the first container past the limit.
 */
export const nestsWithin = (value: unknown, max: number): boolean => {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(v)) if (typeof child === "object" && child !== null) pending.push([child, depth + 1]);
  }
  return true;
};

/** The 400 message for a value nested deeper than MAX_JSON_DEPTH; `what` names it ("metadata"). */
export const tooDeepMessage = (what: string) => `${what} must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`;
