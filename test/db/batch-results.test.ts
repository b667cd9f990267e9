import { describe, expect, it } from "vitest";

// The source of every module, as Vite reads it.
const sources = Object.entries(import.meta.glob<string>("../../src/**/*.ts", { query: "?raw", import: "default", eager: true })).map(
  ([path, text]) => ({ file: path.slice("../../".length), text }),
);

/** Reads a batch result by counting: a skipped position, the last result, a numbered one, or a report cast to its type. */
const POSITIONAL = /\[\s*(?:\w+\s*)?,\s*,|\.at\(-1\)\?\.results|\bresults\[\d+\]\??\.results|\bas Report\b/g;

describe("batch results are read by name, never by position or cast (namedBatch, runPlan)", () => {
  it.each(sources)("$file", ({ text }) => {
    expect(text.match(POSITIONAL) ?? []).toEqual([]);
  });
});
