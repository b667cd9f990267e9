// Builds eval/fixtures/banking77-operator.json from a checkout of BANKING77
// (https://github.com/PolyAI-LDN/task-specific-datasets, commit 57ec275, CC BY 4.0):
//   node eval/operator/build-fixture.mjs <path to task-specific-datasets>
// Train: up to 100 texts per category from train.csv, taken in turn from each of its intents (file
// order), so every intent is represented in the first labels. Test: the first 10 texts of every
// intent from test.csv. The two files are disjoint, so no test query is ever a label. Dev: the last
// 10 texts of every intent from train.csv that no label uses, for choosing settings.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TRAIN_PER_CATEGORY = 100;
const TEST_PER_INTENT = 10;
const DEV_PER_INTENT = 10;

const [root] = process.argv.slice(2);
if (!root) throw new Error("usage: node eval/operator/build-fixture.mjs <task-specific-datasets checkout>");
const grouping = JSON.parse(await readFile(fileURLToPath(new URL("./categories.json", import.meta.url)), "utf8"));

/** text,category rows (RFC 4180: a quoted field may hold commas, line breaks and doubled quotes). */
const parseCsv = (csv) => {
  const rows = [];
  let field = "";
  let row = [];
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") endField();
    else if (ch === "\n") {
      endField();
      rows.push(row);
      row = [];
    } else if (ch !== "\r") field += ch;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows
    .slice(1)
    .filter((r) => r.length === 2)
    .map(([text, intent]) => ({ text: text.replace(/\s+/g, " ").trim(), intent: intent.trim() }));
};

const load = async (file) => parseCsv(await readFile(join(root, "banking_data", file), "utf8"));
const [train, test] = [await load("train.csv"), await load("test.csv")];
const byIntent = (rows) => {
  const map = new Map();
  for (const r of rows) map.set(r.intent, [...(map.get(r.intent) ?? []), r.text]);
  return map;
};
const trainBy = byIntent(train);
const testBy = byIntent(test);

const fixtureTrain = [];
const fixtureTest = [];
const fixtureDev = [];
for (const c of grouping.categories) {
  const queues = c.intents.map((i) => [...(trainBy.get(i) ?? [])]);
  const taken = [];
  while (taken.length < TRAIN_PER_CATEGORY && queues.some((q) => q.length)) {
    for (const q of queues) if (q.length && taken.length < TRAIN_PER_CATEGORY) taken.push(q.shift());
  }
  fixtureTrain.push(...taken.map((text) => ({ text, category: c.name })));
  // Development queries: train.csv texts no label uses, for choosing the classifier's settings
  // without ever looking at the test queries.
  for (const [k, i] of c.intents.entries())
    fixtureDev.push(...queues[k].slice(-DEV_PER_INTENT).map((text) => ({ text, category: c.name, intent: i })));
  for (const i of c.intents)
    fixtureTest.push(...(testBy.get(i) ?? []).slice(0, TEST_PER_INTENT).map((text) => ({ text, category: c.name, intent: i })));
}

const fixture = {
  source: "BANKING77, PolyAI (https://github.com/PolyAI-LDN/task-specific-datasets, banking_data/train.csv and test.csv, commit 57ec275)",
  citation: "Casanueva et al., Efficient Intent Detection with Dual Sentence Encoders, NLP4ConvAI 2020 (arXiv:2003.04807)",
  licence:
    "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). All 77 intents grouped into operator-style categories (eval/operator/categories.json); texts unchanged; the grouping, category names and descriptions are ours.",
  sets: {
    operator: {
      categories: grouping.categories.map(({ name, description }) => ({ name, description })),
      train: fixtureTrain,
      test: fixtureTest,
      dev: fixtureDev,
    },
  },
};
await writeFile(fileURLToPath(new URL("../fixtures/banking77-operator.json", import.meta.url)), `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`train ${fixtureTrain.length}, test ${fixtureTest.length}, dev ${fixtureDev.length}`);
