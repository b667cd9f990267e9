/**
 * The keys of the object at `text`'s top-level member `member`, in the order the text writes them,
 * repeated keys included. JavaScript objects enumerate integer-like keys ("1001", a plausible serial
 * number) before all others, and keep one of two equal keys, so a parsed object can say neither what
 * order the client sent nor whether it repeated a key; this reads the source text. `"repeated"`
 * when the top level names `member` more than once (JSON.parse keeps the last). `text` must be
 * valid JSON (it has been parsed already); undefined when the member is absent or not an object.
 */
export const memberKeysInOrder = (text: string, member: string): string[] | "repeated" | undefined => {
  let depth = 0;
  let i = 0;
  let target = -1; // depth of the object whose keys we collect, once found
  let collecting = false;
  let seen = 0; // top-level members named `member`
  let lastKey: string | undefined;
  let keys: string[] | undefined;
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
        if (collecting && depth === target) keys!.push(lastKey);
        if (depth === 1 && lastKey === member && ++seen > 1) return "repeated";
      }
      continue;
    }
    if (ch === "{" || ch === "[") {
      depth++;
      if (target < 0 && ch === "{" && depth === 2 && lastKey === member) {
        target = depth;
        collecting = true;
        keys = [];
      }
      lastKey = undefined;
    } else if (ch === "}" || ch === "]") {
      if (collecting && depth === target) collecting = false;
      depth--;
    } else if (ch === ",") {
      lastKey = undefined;
    }
    i++;
  }
  return keys;
};
