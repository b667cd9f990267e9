// Fast offline harness (`npx tsx eval/offline.ts [set]`): the built-in classifier called directly on
// the eval sets, with the learned statistics built in memory exactly as the label batch builds
// them in D1 (sum of the labelled tickets' stored terms per category). For iterating; the figures
// that count come from `npm run eval:categorize`, through the API and the queue. `--dev` scores the
// operator set's development queries (train.csv texts no label uses) instead of its test queries:
// settings are chosen on those, never on the test queries.
import { classifyLearned, type LearnedStats } from "../src/ai/learned-classifier";
import { type TermCounts, ticketTerms } from "../src/ai/terms";
import type { CategoryOption } from "../src/ai/types";
import ten from "./fixtures/banking77-10.json";
import operator from "./fixtures/banking77-operator.json";

type Example = { text: string; category: string };
type EvalSet = { categories: { name: string; description: string }[]; train: Example[]; test: Example[]; dev?: Example[] };

const asTicket = (text: string) =>
  text.length > 255 ? { title: `${text.slice(0, 254)}…`, description: text } : { title: text, description: null };
const termsOf = (text: string): TermCounts => ticketTerms({ ...asTicket(text), messages: [] });

const firstPerCategory = (examples: Example[], n: number) => {
  const taken = new Map<string, number>();
  return examples.filter((e) => {
    const k = taken.get(e.category) ?? 0;
    taken.set(e.category, k + 1);
    return k < n;
  });
};

/** The statistics the categorize job would read for `query`, after these labels. */
const statsFor = (labels: { terms: TermCounts; category: string }[], query: TermCounts): LearnedStats => {
  const totals = new Map<string, { tickets: number; terms: number }>();
  const counts = new Map<string, Map<string, number>>();
  for (const l of labels) {
    const key = l.category.toLowerCase();
    const t = totals.get(key) ?? { tickets: 0, terms: 0 };
    t.tickets += 1;
    const c = counts.get(key) ?? new Map<string, number>();
    for (const [term, n] of Object.entries(l.terms)) {
      t.terms += n;
      if (term in query) c.set(term, (c.get(term) ?? 0) + n);
    }
    totals.set(key, t);
    counts.set(key, c);
  }
  return { labels: totals, counts };
};

const sets = { ...(ten.sets as Record<string, EvalSet>), ...(operator.sets as Record<string, EvalSet>) };
const dev = process.argv.includes("--dev");
const only = process.argv.slice(2).find((a) => !a.startsWith("--"));
for (const [name, set] of Object.entries(sets)) {
  if ((only && name !== only) || (dev && !set.dev)) continue;
  const options: CategoryOption[] = set.categories.map((c) => ({ name: c.name, description: c.description }));
  const tests = (dev && set.dev ? set.dev : set.test).map((e) => ({ ...e, terms: termsOf(e.text) }));
  const row: string[] = [];
  for (const n of [0, 5, 20, 100]) {
    const labels = firstPerCategory(set.train, n).map((e) => ({ terms: termsOf(e.text), category: e.category }));
    let right = 0;
    let none = 0;
    for (const t of tests) {
      const p = classifyLearned(t.terms, options, statsFor(labels, t.terms)).category;
      if (p === t.category) right++;
      if (p === null) none++;
    }
    row.push(`${n}: ${((100 * right) / tests.length).toFixed(1)}% (none ${((100 * none) / tests.length).toFixed(1)}%)`);
  }
  console.log(`${name.padEnd(12)} ${row.join("  ")}`);
}
