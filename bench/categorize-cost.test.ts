// What one categorize job costs in D1, through the worker's real queue handler on local D1: rows
// read per job (every round trip of the job: its context batch and its outcome batch), at 0 and
// 100 labelled tickets per category on the operator-style eval set, and the organization's learned
// state (category_terms and category_labels) in bytes. Prints `COST {...}` lines for bench/categorize.mjs.
import { describe, it } from "vitest";
import operator from "../eval/fixtures/banking77-operator.json";
import type { JobMessage } from "../src/jobs/messages";
import { fetchWithEnv } from "../test/support/counting";
import { jsonPost } from "../test/support/http";
import { createOrg, setCategories, type TestOrg } from "../test/support/orgs";
import { withShardDb } from "../test/support/shards";
import { captureSends, runQueue } from "../test/support/queue";
import { CREATE, rows } from "../test/support/tickets";

const set = operator.sets.operator;
const JOBS = 50;
const UNLIMITED = { RATE_LIMITER: { limit: async () => ({ success: true }) } };

/** The organization's shard binding with every batch's rows read added up (what D1 bills per query, from each result's meta). */
const rowsReadingDb = (org: TestOrg) => {
  const counts = { rowsRead: 0, roundTrips: 0 };
  const db = new Proxy(org.db, {
    get(target, prop) {
      if (prop === "batch")
        return async (stmts: D1PreparedStatement[]) => {
          counts.roundTrips++;
          const results = await target.batch(stmts);
          for (const r of results) counts.rowsRead += r.meta?.rows_read ?? 0;
          return results;
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counts };
};

const create = async (apiKey: string, title: string, category?: string) => {
  const res = await fetchWithEnv(
    jsonPost(CREATE, apiKey, {
      title: title.length > 255 ? `${title.slice(0, 254)}…` : title,
      customerEmail: "bench@example.com",
      ...(category ? { category } : {}),
    }),
    UNLIMITED,
  );
  if (res.status !== 200) throw new Error(`createTicket: ${res.status} ${await res.text()}`);
};

describe("categorize job cost", () => {
  for (const labels of [0, 100]) {
    it(`${labels} labelled tickets per category`, async () => {
      const sends = captureSends();
      const org = await createOrg();
      await setCategories(org.id, set.categories);
      const taken = new Map<string, number>();
      const train = set.train.filter((e) => {
        const k = taken.get(e.category) ?? 0;
        taken.set(e.category, k + 1);
        return k < labels;
      });
      for (let i = 0; i < train.length; i += 25)
        await Promise.all(train.slice(i, i + 25).map((e) => create(org.apiKey, e.text, e.category)));
      sends.take();
      for (const e of set.test.slice(0, JOBS)) await create(org.apiKey, e.text);
      const messages: JobMessage[] = sends.take();
      const { db, counts } = rowsReadingDb(org);
      // One job per delivery, so the rows read are per job.
      for (const m of messages) await runQueue([m], { env: { AI: undefined, ...withShardDb(org.shard, db) } });
      const [state] = await rows<{ termRows: number; labelRows: number; bytes: number }>(
        `select (select count(*) from category_terms where organization_id = ?1) as termRows,
                (select count(*) from category_labels where organization_id = ?1) as labelRows,
                (select coalesce(sum(length(organization_id) + length(category) + length(term) + 8), 0) from category_terms where organization_id = ?1)
              + (select coalesce(sum(length(organization_id) + length(category) + 16), 0) from category_labels where organization_id = ?1) as bytes`,
        org.id,
      );
      console.log(
        `COST ${JSON.stringify({ labels, categories: set.categories.length, jobs: messages.length, rowsReadPerJob: counts.rowsRead / messages.length, roundTripsPerJob: counts.roundTrips / messages.length, ...state })}`,
      );
    });
  }
});
