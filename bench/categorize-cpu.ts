// CPU of the categorize job's own work once its context is loaded (bench/categorize.mjs runs this
// with tsx): the learned classifier's decision and the AI prompt's example choice and prompt, for
// the operator-style eval set's queries with the statistics a job reads at 0 and 100 labelled
// tickets per category (built as the label batch builds them) and the job's example pool
// (EXAMPLE_POOL latest labelled tickets). D1, JSON and Drizzle's row mapping are not in it. Prints one `CPU {...}` line per setting.
import { similarExamples, type LabelledExample } from "../src/ai/examples";
import { classifyLearned, type LearnedStats } from "../src/ai/learned-classifier";
import { buildPrompt } from "../src/ai/prompt";
import { type TermCounts, ticketTerms } from "../src/ai/terms";
import { EXAMPLE_POOL } from "../src/db/job-context";
import operator from "../eval/fixtures/banking77-operator.json";

const set = operator.sets.operator;
const termsOf = (text: string): TermCounts => ticketTerms({ title: text.slice(0, 255), description: null, messages: [] });

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

for (const perCategory of [0, 100]) {
  const taken = new Map<string, number>();
  const labels = set.train
    .filter((e) => {
      const k = taken.get(e.category) ?? 0;
      taken.set(e.category, k + 1);
      return k < perCategory;
    })
    .map((e) => ({ title: e.text.slice(0, 255), category: e.category, terms: termsOf(e.text) }));
  const pool: LabelledExample[] = labels.slice(-EXAMPLE_POOL);
  const jobs = set.test.map((e) => {
    const terms = termsOf(e.text);
    return { ticket: { title: e.text.slice(0, 255), description: null, messages: [] }, terms, stats: statsFor(labels, terms) };
  });
  const runAll = () => {
    for (const j of jobs) {
      classifyLearned(j.terms, set.categories, j.stats);
      buildPrompt(j.ticket, set.categories, similarExamples(j.terms, pool, set.categories));
    }
  };
  for (let i = 0; i < 20; i++) runAll(); // warm-up: compiled code, as in a warm isolate
  const perJob: number[] = [];
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < 10; i++) runAll();
    const used = process.cpuUsage(before);
    perJob.push((used.user + used.system) / 1000 / (10 * jobs.length));
  }
  console.log(`CPU ${JSON.stringify({ labels: perCategory, jobs: jobs.length, cpuMsPerJob: Math.min(...perJob) })}`);
}
