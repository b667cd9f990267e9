/**
 * The keys of the object at `text`'s top-level member `member`, in the order the text writes them.
 * JavaScript objects enumerate integer-like keys ("1001", a plausible serial number) before all
 * others, so a parsed object cannot say what order the client sent; this reads the source text.
 * `text` must be valid JSON (it has been parsed already); undefined when the member is absent or
 * not an object.
 */
export const memberKeysInOrder = (text: string, member: string): string[] | undefined => {
  let depth = 0;
  let i = 0;
  let target = -1; // depth of the object whose keys we collect, once found
  let lastKey: string | undefined;
  const keys: string[] = [];
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      // A string token: find its end, honouring escapes, and decode it with JSON.parse.
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const token = text.slice(i, j + 1);
      i = j + 1;
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] === ":") {
        lastKey = JSON.parse(token) as string;
        if (depth === target) keys.push(lastKey);
      }
      continue;
    }
    if (ch === "{" || ch === "[") {
      depth++;
      if (target < 0 && ch === "{" && depth === 2 && lastKey === member) target = depth;
      lastKey = undefined;
    } else if (ch === "}" || ch === "]") {
      if (depth === target) return keys;
      depth--;
    } else if (ch === ",") {
      lastKey = undefined;
    }
    i++;
  }
  return undefined;
};
