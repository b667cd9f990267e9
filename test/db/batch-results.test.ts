import { describe, expect, it } from "vitest";

// The source of every module, as Vite reads it.
const sources = Object.entries(import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true })).map(
  ([path, text]) => ({ file: path.slice("../../".length), text }),
);

/** Reads a batch result by counting: a skipped position, the last result, a numbered one, or a report cast to its type. */
const POSITIONAL = /\[\s*(?:\w+\s*)?,\s*,|\.at\(-1\)\?\.results|\bresults\[\d+\]\??\.results|\bas Report\b/g;

// The job batches are converted to named results separately (issue 19 items 1-3); each file leaves
// this list when it is, and the last test below fails until it has.
const CONVERTED_SEPARATELY = ["src/db/job-outcomes.ts", "src/db/job-retry.ts"];

describe("batch results are read by name, never by position or cast (namedBatch, runPlan)", () => {
  it.each(sources.filter((s) => !CONVERTED_SEPARATELY.includes(s.file)))("$file", ({ text }) => {
    expect(text.match(POSITIONAL) ?? []).toEqual([]);
  });

  it("lists only files that still read a batch by position as converted separately", () => {
    const still = sources.filter((s) => CONVERTED_SEPARATELY.includes(s.file) && s.text.match(POSITIONAL)).map((s) => s.file);
    expect(still).toEqual(CONVERTED_SEPARATELY);
  });
});
