import { similarity } from "./similarity";
import { type TermCounts, termCounts } from "./terms";
import type { CategoryOption } from "./types";

/**
 * What an organization has taught its classifier, as the categorize job reads it (src/db/job-context.ts):
 * per category (by `name_lower`), how many labelled tickets it has and how many terms they had in
 * all, and, for the terms of the ticket being classified only, how often each occurred in them.
 */
export type LearnedStats = {
  labels: ReadonlyMap<string, { tickets: number; terms: number }>;
  counts: ReadonlyMap<string, ReadonlyMap<string, number>>;
};

export const NO_STATS: LearnedStats = { labels: new Map(), counts: new Map() };

export type Prediction = { category: string | null; confidence: number | null };

// The category's own words, as pseudo-counts added to its learned ones: a word of the name counts
// NAME_WEIGHT, one of the description 1, both times PRIOR_WEIGHT. With no labels they decide alone
// (zero-shot); every labelled ticket adds its terms, so the labels outweigh them smoothly.
const NAME_WEIGHT = 2;
const PRIOR_WEIGHT = 3;
// Additive smoothing over an assumed vocabulary: an unseen term costs every category about the same.
// Chosen on the operator set's development queries (eval/offline.ts), never its test queries.
const ALPHA = 0.3;
const VOCABULARY = 300;
// Each clause of a category's description ("a card that is declined, not accepted by a shop, …")
// is a pseudo-example: the best clause's overlap with the ticket adds CLAUSE_WEIGHT times itself
// to the category's posterior. A broad category names several kinds of request; one of them
// matching well is better evidence than its words pooled with all the others.
const CLAUSE_WEIGHT = 0.3;
// A term repeated in one ticket is evidence, but not proportionally more.
const MAX_TF = 2;

/** The description's clauses (split at commas, "and", "or", colons and sentence ends), each as its terms. */
export const clausesOf = (option: CategoryOption): TermCounts[] =>
  `${option.name}, ${option.description ?? ""}`
    .split(/[,;:.]|\band\b|\bor\b/i)
    .map((clause) => Object.fromEntries(termCounts(clause)))
    .filter((terms) => Object.keys(terms).length > 0);

/** How alike the ticket is to the best matching clause (src/ai/similarity.ts, as the prompt's examples are chosen). */
const clauseMatch = (terms: TermCounts, clauses: readonly TermCounts[]) =>
  Math.max(0, ...clauses.map((clause) => similarity(terms, clause)));

const priorOf = (option: CategoryOption) => {
  const prior = new Map<string, number>();
  for (const [t, n] of termCounts(option.name)) prior.set(t, (prior.get(t) ?? 0) + NAME_WEIGHT * n);
  for (const [t, n] of termCounts(option.description ?? "")) prior.set(t, (prior.get(t) ?? 0) + n);
  let total = 0;
  for (const n of prior.values()) total += n;
  return { prior, total };
};

// What a category's own words give, per name and description: the same for every ticket of every
// organization using that text, so computed once per isolate (bounded, cleared when full; a job
// reads its categories fresh, so an edited description is a new key).
const MAX_CACHED_OPTIONS = 1_000;
const optionWords = new Map<string, ReturnType<typeof priorOf> & { clauses: TermCounts[] }>();
const wordsOf = (option: CategoryOption) => {
  const key = `${option.name}\n${option.description ?? ""}`;
  let words = optionWords.get(key);
  if (!words) {
    words = { ...priorOf(option), clauses: clausesOf(option) };
    if (optionWords.size >= MAX_CACHED_OPTIONS) optionWords.clear();
    optionWords.set(key, words);
  }
  return words;
};

/**
 * Multinomial naive Bayes over the organization's labelled tickets, with each category's name and
 * description as a prior, combined by confidence with the best-matching clause of each description
 * (CLAUSE_WEIGHT). Only terms some candidate has evidence for count; a ticket with none of
 * them, or whose two best categories score exactly the same, gets no category (an honest "none",
 * never a choice by list order). `confidence` is the winner's share of the candidates' combined
 * scores (posterior plus clause bonus, normalized to sum to 1). Deterministic: the same ticket, options and stats always give the same answer.
 */
export const classifyLearned = (terms: TermCounts, options: readonly CategoryOption[], stats: LearnedStats): Prediction => {
  const candidates = options.map((option) => {
    const key = option.name.toLowerCase();
    const labels = stats.labels.get(key);
    return {
      name: option.name,
      ...wordsOf(option),
      counts: stats.counts.get(key),
      tickets: Math.max(0, labels?.tickets ?? 0),
      learnedTerms: Math.max(0, labels?.terms ?? 0),
    };
  });
  const known = Object.entries(terms).filter(([t]) => candidates.some((c) => c.prior.has(t) || (c.counts?.get(t) ?? 0) > 0));
  if (known.length === 0 || candidates.length === 0) return { category: null, confidence: null };

  const allTickets = candidates.reduce((sum, c) => sum + c.tickets, 0);
  const scored = candidates.map((c) => {
    const denominator = c.learnedTerms + PRIOR_WEIGHT * c.total + ALPHA * VOCABULARY;
    let score = Math.log((c.tickets + 1) / (allTickets + candidates.length));
    for (const [t, tf] of known) {
      const evidence = Math.max(0, c.counts?.get(t) ?? 0) + PRIOR_WEIGHT * (c.prior.get(t) ?? 0) + ALPHA;
      score += Math.min(tf, MAX_TF) * Math.log(evidence / denominator);
    }
    return { name: c.name, clauses: c.clauses, score };
  });
  // Summed in an order of their own (score, then name), so every order of the options gives the same bits.
  scored.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const top = scored[0]?.score ?? 0;
  const normalizer = scored.reduce((sum, s) => sum + Math.exp(s.score - top), 0);
  const combined = scored.map((s) => ({
    name: s.name,
    score: Math.exp(s.score - top) / normalizer + CLAUSE_WEIGHT * clauseMatch(terms, s.clauses),
  }));
  combined.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const [best, second] = combined;
  if (!best || (second && best.score - second.score < 1e-9)) return { category: null, confidence: null };
  // The winner's share of the combined scores (each is a posterior plus a bounded clause bonus).
  const total = combined.reduce((sum, s) => sum + s.score, 0);
  return { category: best.name, confidence: best.score / total };
};
