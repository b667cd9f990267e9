import { similarity } from "./similarity";
import type { TermCounts } from "./terms";
import type { CategoryOption } from "./types";

/** A ticket the organization labelled, as the prompt shows it. */
export type LabelledExample = { title: string; category: string; terms: TermCounts };

// Bounds keep the prompt's size flat whatever the organization has labelled.
const PER_CATEGORY = 2;
const MAX_EXAMPLES = 6;

/**
 * The organization's labelled tickets most like this one (src/ai/similarity.ts, the measure the
 * learned classifier matches description clauses by), for the AI
 * prompt: only those sharing a term with it, only of the categories the AI may choose (by the
 * category's current name), at most PER_CATEGORY per category and MAX_EXAMPLES in all, most similar
 * first (ties by title, so the prompt is the same for the same data).
 */
export const similarExamples = (
  terms: TermCounts,
  pool: readonly LabelledExample[],
  options: readonly CategoryOption[],
): { title: string; category: string }[] => {
  const names = new Map(options.map((o) => [o.name.toLowerCase(), o.name]));
  const ranked = pool
    .map((e) => ({ title: e.title, category: names.get(e.category.toLowerCase()), similarity: similarity(terms, e.terms) }))
    .filter((e): e is { title: string; category: string; similarity: number } => e.category !== undefined && e.similarity > 0)
    .sort((a, b) => b.similarity - a.similarity || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  const perCategory = new Map<string, number>();
  const chosen: { title: string; category: string }[] = [];
  for (const e of ranked) {
    const n = perCategory.get(e.category) ?? 0;
    if (n >= PER_CATEGORY) continue;
    perCategory.set(e.category, n + 1);
    chosen.push({ title: e.title, category: e.category });
    if (chosen.length === MAX_EXAMPLES) break;
  }
  return chosen;
};
