import type { TermCounts } from "./terms";

/**
 * How alike two texts are, by their terms: the cosine of their sets of terms (shared terms over
 * the geometric mean of their sizes), from 0 to 1. One measure for both uses: the learned
 * classifier's match of a ticket against each clause of a category's description, and the choice
 * of the organization's labelled tickets the AI prompt shows as examples.
 */
export const similarity = (a: TermCounts, b: TermCounts): number => {
  const sizeA = Object.keys(a).length;
  const sizeB = Object.keys(b).length;
  if (sizeA === 0 || sizeB === 0) return 0;
  let shared = 0;
  for (const t of Object.keys(sizeA <= sizeB ? a : b)) if (t in (sizeA <= sizeB ? b : a)) shared++;
  return shared / Math.sqrt(sizeA * sizeB);
};
