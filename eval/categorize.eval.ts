// How well the built-in classifier categorizes real customer messages, measured through the path
// production takes when Workers AI cannot answer (and local dev always): createTicket over HTTP (a
// labelled ticket teaches the organization's classifier in its own batch), then the worker's queue
// handler running the categorize job, then the stored category. Each setting is a fresh organization.
// The old word-overlap classifier no longer runs in the worker; it is called directly on the same texts.
import { describe, it } from "vitest";
import type { JobMessage } from "../src/jobs/messages";
import { createOrg, setCategories } from "../test/support/orgs";
import { captureSends, runQueue } from "../test/support/queue";
import { fetchWithEnv } from "../test/support/counting";
import { jsonPost } from "../test/support/http";
import { CREATE, rows } from "../test/support/tickets";
import fixture from "./fixtures/banking77-10.json";
import operator from "./fixtures/banking77-operator.json";
import { classifyLearned, NO_STATS } from "../src/ai/learned-classifier";
import { ticketTerms } from "../src/ai/terms";
import { classifyByWords } from "./word-overlap-classifier";

const LABELS_PER_CATEGORY = [0, 5, 20, 100] as const;
const CUSTOMER = "eval@example.com";

type Example = { text: string; category: string };
type EvalSet = { categories: { name: string; description: string }[]; train: Example[]; test: Example[] };

/** A customer message as a ticket: the message is the title, and a message too long for one (255) is the description too. */
const asTicket = (text: string) =>
  text.length > 255 ? { title: `${text.slice(0, 254)}…`, description: text } : { title: text, description: null };

const firstPerCategory = (examples: Example[], n: number) => {
  const taken = new Map<string, number>();
  return examples.filter((e) => {
    const k = taken.get(e.category) ?? 0;
    taken.set(e.category, k + 1);
    return k < n;
  });
};

// Thousands of creates with one key: the per-key rate limit (100 per 10 s) would stop them, so this
// one binding is replaced by one that always allows. Everything else is the worker as deployed.
const UNLIMITED = { RATE_LIMITER: { limit: async () => ({ success: true }) } };

const createTicket = (apiKey: string, body: unknown) => fetchWithEnv(jsonPost(CREATE, apiKey, body), UNLIMITED);

/** Creates tickets in parallel waves; each must be accepted. */
const createAll = async (apiKey: string, examples: Example[], labelled: boolean) => {
  for (let i = 0; i < examples.length; i += 25) {
    await Promise.all(
      examples.slice(i, i + 25).map(async (e) => {
        const res = await createTicket(apiKey, {
          ...asTicket(e.text),
          customerEmail: CUSTOMER,
          ...(labelled ? { category: e.category } : {}),
        });
        if (res.status !== 200) throw new Error(`createTicket: ${res.status} ${await res.text()}`);
      }),
    );
  }
};

const score = (answers: (string | null)[], expected: string[]) => ({
  accuracy: answers.filter((a, i) => a === expected[i]).length / expected.length,
  none: answers.filter((a) => a === null).length / expected.length,
});

const measure = async (set: EvalSet, labels: number) => {
  const sends = captureSends();
  const org = await createOrg();
  await setCategories(org.id, set.categories);
  await createAll(org.apiKey, firstPerCategory(set.train, labels), true);
  sends.take();
  await createAll(org.apiKey, set.test, false);
  const messages: JobMessage[] = sends.take();
  // No AI binding: the built-in classifier decides, as in local dev (an AI failure in production ends the same way).
  for (let i = 0; i < messages.length; i += 50) await runQueue(messages.slice(i, i + 50), { env: { AI: undefined } });
  const stored = await rows<{ title: string; category: string | null; source: string | null }>(
    "select title, category, category_source as source from tickets where organization_id = ? and categorization = 'done'",
    org.id,
  );
  const byText = new Map(stored.map((r) => [r.title, r.category]));
  if (stored.some((r) => r.source !== null && r.source !== "fallback"))
    throw new Error("a category did not come from the built-in classifier");
  if (byText.size !== new Set(set.test.map((e) => asTicket(e.text).title)).size)
    throw new Error(`categorized ${byText.size} of ${set.test.length}`);
  return score(
    set.test.map((e) => byText.get(asTicket(e.text).title) ?? null),
    set.test.map((e) => e.category),
  );
};

/** Ten orders of the categories (rotations, every other one reversed): the old classifier settled ties by list position. */
const orders = <T>(list: T[]) =>
  Array.from({ length: 10 }, (_, i) => {
    const rotated = [...list.slice(i % list.length), ...list.slice(0, i % list.length)];
    return i % 2 ? rotated.reverse() : rotated;
  });

/** Accuracy of a pure classifier under each order of the categories: the lowest and the highest. */
const orderRange = (set: EvalSet, classify: (e: Example, options: EvalSet["categories"]) => string | null) => {
  const accuracies = orders(set.categories).map(
    (options) =>
      score(
        set.test.map((e) => classify(e, options)),
        set.test.map((e) => e.category),
      ).accuracy,
  );
  return { orderMin: Math.min(...accuracies), orderMax: Math.max(...accuracies) };
};

// Issue 13's two sets (ten categories, one intent each) and issue 23's operator-style set (all 77
// intents in broad categories, eval/operator/categories.json).
const SETS = Object.entries({ ...fixture.sets, ...operator.sets } as Record<string, EvalSet>);

describe("categorization on BANKING77 (CC BY 4.0)", () => {
  for (const [name, set] of SETS) {
    it(`${name}: ${set.categories.length} categories, ${set.test.length} queries`, async () => {
      const old = score(
        set.test.map((e) => classifyByWords({ ...asTicket(e.text), messages: [] }, set.categories)),
        set.test.map((e) => e.category),
      );
      const oldOrders = orderRange(set, (e, options) => classifyByWords({ ...asTicket(e.text), messages: [] }, options));
      console.log(`EVAL ${JSON.stringify({ set: name, classifier: "word overlap (before)", labels: 0, ...old, ...oldOrders })}`);
      const newOrders = orderRange(
        set,
        (e, options) => classifyLearned(ticketTerms({ ...asTicket(e.text), messages: [] }), options, NO_STATS).category,
      );
      for (const labels of LABELS_PER_CATEGORY) {
        const result = await measure(set, labels);
        console.log(`EVAL ${JSON.stringify({ set: name, classifier: "learned", labels, ...result, ...(labels === 0 ? newOrders : {}) })}`);
      }
    });
  }
});
