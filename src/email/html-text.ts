/**
 * Readable text from an HTML-only mail (web forms, some mobile clients). postal-mime converts HTML
 * to text only for a message that also has a plain part, and does not export its converter, so
 * this is the small part we need: blocks and `<br>` become line breaks, scripts, styles, the head
 * and comments go, tags are dropped, entities decoded. What an agent reads, not a rendering.
 *
 * The HTML is a stranger's, up to 10 MiB: every step is linear in its length (no pattern that
 * rescans the rest of the text from each `<`), and only the first HTML_CHARS are read, far more
 * than the 10,000 characters a stored message keeps.
 */
export const HTML_CHARS = 1024 * 1024;

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

const decodeEntities = (text: string) =>
  text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (entity, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED[name.toLowerCase()] ?? entity;
  });

/** Cuts each `<script>…</script>` (and style, head, title) and `<!-- … -->`: one pass, an unclosed one takes the rest. */
const dropHidden = (html: string) => {
  const lower = html.toLowerCase();
  const opening = /<(script|style|head|title)\b|<!--/g;
  let out = "";
  let at = 0;
  for (;;) {
    opening.lastIndex = at;
    const m = opening.exec(lower);
    if (!m) return out + html.slice(at);
    out += html.slice(at, m.index);
    const closing = m[1] ? `</${m[1]}` : "-->";
    const end = lower.indexOf(closing, m.index + m[0].length);
    if (end < 0) return out;
    const after = m[1] ? lower.indexOf(">", end) : end + 2;
    if (after < 0) return out;
    at = after + 1;
  }
};

export const htmlToText = (html: string) =>
  decodeEntities(
    dropHidden(html.slice(0, HTML_CHARS))
      .replace(/<br\b[^<>]*>/gi, "\n")
      .replace(/<li\b[^<>]*>/gi, "\n- ")
      .replace(/<\/(p|div|tr|h[1-6]|blockquote|table|ul|ol)\s*>|<(hr|p|div|tr|h[1-6])\b[^<>]*>/gi, "\n")
      .replace(/<[^<>]*>/g, ""),
  )
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
