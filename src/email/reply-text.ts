/**
 * The new part of a reply, without the quoted history mail clients append below it. No maintained
 * reply parser runs in Workers (email-reply-parser needs Node's `module`), so this is a rule over
 * the markers the common clients write, each covered by a fixture in test/email/:
 * - Gmail, Apple Mail, Thunderbird: an attribution line `On <date>, <name> <addr> wrote:` (Gmail
 *   wraps it over two lines when long; German and French clients write `Am … schrieb …:` and `Le … a écrit :`);
 * - Outlook desktop: `-----Original Message-----`, or a `From:` line followed within three lines by
 *   `Sent:` or `Date:`, often after a line of underscores (Outlook on the web);
 * - any client: a block of `>`-quoted lines.
 * Everything from the first marker on is dropped; a reply that would be left empty keeps its whole
 * text, so nothing a customer wrote is ever lost.
 */
const ATTRIBUTION = [/^On\s.+\bwrote:\s*$/i, /^Am\s.+\bschrieb\s.*:\s*$/i, /^Le\s.+\ba\s+écrit\s*:\s*$/i];
const ORIGINAL_MESSAGE = /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}\s*$/i;
const HEADER_BLOCK_START = /^\*?(From|Von|De)\s*:\*?\s/i;
const HEADER_BLOCK_NEXT = /^\*?(Sent|Date|Gesendet|Envoyé)\s*:\*?\s/i;
const UNDERSCORES = /^_{10,}\s*$/;

const startsHistory = (lines: string[], i: number) => {
  const line = lines[i]!.trim();
  if (ATTRIBUTION.some((re) => re.test(line))) return true;
  // Gmail wraps a long attribution: "On Mon, 1 Dec 2026 at 10:00, Jane Doe <" / "jane@example.com> wrote:".
  if (/^(On|Am|Le)\s/i.test(line) && i + 1 < lines.length) {
    const joined = `${line} ${lines[i + 1]!.trim()}`;
    if (ATTRIBUTION.some((re) => re.test(joined))) return true;
  }
  if (ORIGINAL_MESSAGE.test(line)) return true;
  if (HEADER_BLOCK_START.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_BLOCK_NEXT.test(l.trim()))) return true;
  return UNDERSCORES.test(line) && i + 1 < lines.length && HEADER_BLOCK_START.test(lines[i + 1]!.trim());
};

export const visibleReply = (text: string): string => {
  const lines = text.split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (startsHistory(lines, i)) {
      end = i;
      break;
    }
  }
  // A trailing block of quoted lines (a client that quotes without an attribution).
  while (end > 0 && (lines[end - 1]!.startsWith(">") || lines[end - 1]!.trim() === "")) end--;
  const reply = lines.slice(0, end).join("\n").trim();
  return reply || text.trim();
};
