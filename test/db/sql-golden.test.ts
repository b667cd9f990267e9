import { describe, expect, it } from "vitest";
import { ADD_MESSAGES_VARIANTS, addMessagesPlan } from "../../src/db/ticket-add-messages";
import { emailReplyPlan } from "../../src/db/email-reply";
import { CREATE_TICKET_VARIANTS, createTicketPlan } from "../../src/db/ticket-create";
import type { Plan } from "../../src/db/plans";
import { goldenBatchSql, goldenSql } from "../support/sql-golden";
import { WRITE_BATCHES } from "../support/write-batches";

/** Every pre-rendered write batch, with all the variants it renders. */
const batches: { name: string; operation: string; variants: Record<string, unknown>[]; plan: (variant: never) => Plan }[] = [
  { name: "create-ticket", operation: "createTicket", variants: CREATE_TICKET_VARIANTS, plan: createTicketPlan },
  { name: "add-messages", operation: "addMessages", variants: ADD_MESSAGES_VARIANTS, plan: addMessagesPlan },
  { name: "email-reply", operation: "a customer's reply by email (email() handler)", variants: [{}], plan: emailReplyPlan },
];

/** A variant's file: the batch's name, then each option that is on (or its value), e.g. create-ticket.email.device.sql. */
const fileOf = (name: string, variant: Record<string, unknown>) =>
  `${[name, ...Object.entries(variant).flatMap(([option, value]) => (value === true ? [option] : value === false ? [] : [String(value)]))].join(".")}.sql`;

const goldens = [
  ...batches.flatMap(({ name, operation, variants, plan }) =>
    variants.map((variant) => {
      const statements = plan(variant as never);
      return {
        file: fileOf(name, variant),
        statements: Object.keys(statements).length,
        text: goldenSql(`${operation}, variant ${JSON.stringify(variant)}`, statements),
      };
    }),
  ),
  // The batches built per request: one file each, every variant in it under its label.
  ...WRITE_BATCHES.map(({ file, operation, variants }) => ({
    file: `${file}.sql`,
    statements: Math.max(...variants.map((variant) => Object.keys(variant.statements).length)),
    text: goldenBatchSql(operation, variants),
  })),
];

// The golden files as they were when this run started (Vite reads them in at transform time).
const onDisk = Object.keys(import.meta.glob("../sql/*.sql", { query: "?raw", import: "default" })).map((path) =>
  path.slice("../sql/".length),
);

// The source of src/db and of the catalogue of batches built per request, as text.
const dbSources = import.meta.glob("../../src/db/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const catalogue = Object.values(
  import.meta.glob("../support/write-batches.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>,
)[0]!;

describe("the SQL of every write batch variant matches its golden file in test/sql/ (npm run sql:golden rewrites them)", () => {
  it.each(goldens)("$file", async ({ file, text }) => {
    await expect(text).toMatchFileSnapshot(`../sql/${file}`);
  });

  // D1 counts each statement of a batch as a query: at most 50 per Worker invocation on Workers Free
  // (https://developers.cloudflare.com/d1/platform/limits/), and each write batch runs in one invocation.
  it("keeps every variant under D1's 50 queries per invocation (Workers Free)", () => {
    expect(goldens.filter((g) => g.statements >= 50).map((g) => g.file)).toEqual([]);
  });

  // A builder is a plain function returning the named statements (`export const fooBatch = (db, …) =>`);
  // the async runners of the pre-rendered plans (createTicketBatch, addMessagesBatch) are covered above.
  it("renders every batch builder of src/db (each exported `…Batch = (`) in test/support/write-batches.ts", () => {
    const builders = Object.values(dbSources).flatMap((source) =>
      [...source.matchAll(/^export const (\w+Batch) = \(/gm)].map((m) => m[1]!),
    );
    expect(builders.length).toBeGreaterThan(0);
    expect(builders.filter((name) => !new RegExp(`\\b${name}\\(`).test(catalogue))).toEqual([]);
  });

  it("has a golden file for each variant and none for a variant that is gone (delete those by hand)", () => {
    const expected = goldens.map((g) => g.file);
    expect(onDisk.filter((file) => !expected.includes(file))).toEqual([]);
    // `npm run sql:golden` (Vite mode sql-golden) writes the missing ones in this very run.
    if (import.meta.env.MODE !== "sql-golden") expect(expected.filter((file) => !onDisk.includes(file))).toEqual([]);
  });
});
