// The built-in classifier before the learned one replaced it (word overlap with each category's name
// and description, ties to the category listed first). Not used by the worker: kept so that
// `npm run eval:categorize` can measure the old beside the new on the same data.
import { MAX_MESSAGES } from "../src/ai/prompt";
import { stems } from "./word-overlap-words";
import type { CategoryOption, TicketText } from "../src/ai/types";

// A word of the category's name counts double: names are short and chosen to be telling.
const NAME_WEIGHT = 2;
const DESCRIPTION_WEIGHT = 1;
/** Below this a category is a guess, and "none" is the honest answer. */
export const MIN_SCORE = 2;

const MAX_TEXT = 5_000;

const ticketStems = (ticket: TicketText) =>
  stems(
    [ticket.title, ticket.description ?? "", ...ticket.messages.slice(0, MAX_MESSAGES).map((m) => m.content)].join(" ").slice(0, MAX_TEXT),
  );

/**
 * The built-in classifier for when Workers AI is unavailable or keeps failing: word overlap
 * between the ticket and each category's name and description. Deterministic: ties go to the
 * category listed first, and nothing scoring under MIN_SCORE is chosen.
 */
export const classifyByWords = (ticket: TicketText, options: readonly CategoryOption[]): string | null => {
  const words = ticketStems(ticket);
  let best: { name: string; score: number } | undefined;
  for (const option of options) {
    const name = stems(option.name);
    const description = stems(option.description ?? "");
    let score = 0;
    for (const w of words) {
      if (name.has(w)) score += NAME_WEIGHT;
      else if (description.has(w)) score += DESCRIPTION_WEIGHT;
    }
    if (score >= MIN_SCORE && score > (best?.score ?? 0)) best = { name: option.name, score };
  }
  return best?.name ?? null;
};
