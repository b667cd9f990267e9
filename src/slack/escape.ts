const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Slack's three control characters as entities: with `<` gone, text can no longer form a
 * mention (`<!channel>`, `<@U123>`) or a link (`<https://x|y>`).
 */
export const escapeSlack = (text: string): string => text.replace(/[&<>]/g, (c) => ENTITIES[c]!);

/**
 * Escapes `text` and cuts it so the escaped result fits in `max` characters, never splitting an
 * entity or a surrogate pair, ending with "…" when something was cut. Slack counts the text it
 * receives, so the limit applies after escaping.
 */
export const escapeWithin = (text: string, max: number): string => {
  const escaped = escapeSlack(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const ch of text) {
    const piece = ENTITIES[ch] ?? ch;
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
};
