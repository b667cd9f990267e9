// zod/mini, as everywhere in src/ (ARCHITECTURE.md "Zod in the worker" shows how a classic-Zod
// schema converts); the OpenAPI side of these helpers is in common.docs.ts.
import * as z from "zod/mini";
import { en } from "../lib/zod-locales";

/**
 * An instant in ISO-8601 with an offset (`Z` or `±hh:mm`), `field` naming it in the 400. Stored
 * timestamps are toISOString() strings compared as text, so the instant must fall within the years
 * 0000-9999 in UTC: beyond them toISOString() writes an expanded year (`+010000-…`, `-000001-…`)
 * that sorts before every stored timestamp. (A string that is no date-time at all is the format
 * check's issue alone.)
 */
export const instant = (field: string) =>
  z.iso.datetime({ offset: true }).check(
    z.refine(
      (value) => {
        const ms = Date.parse(value);
        return Number.isNaN(ms) || /^\d{4}-/.test(new Date(ms).toISOString());
      },
      { message: `${field} must be an instant within the years 0000 to 9999 (UTC)` },
    ),
  );

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "an array",
};

// zod/mini, unlike classic Zod, registers no locale of its own: without this every message Zod
// writes would be a bare "Invalid input".
z.config(en());

// Zod's "Invalid input: expected string, received undefined" names neither the field nor, in plain
// words, what is wrong. Every router's routes import this module, so its validators say
// "title is required" / "messages.2.content must be a string" instead. A schema's own message
// (an `error` it was given, Telemetron's strings) still wins over these.
z.config({
  customError: (issue) => {
    if (issue.code !== "invalid_type" || !issue.path?.length) return undefined;
    const field = issue.path.map(String).join(".");
    if (issue.input === undefined) return `${field} is required`;
    return `${field} must be ${EXPECTED[issue.expected] ?? issue.expected}`;
  },
});

/** A keyset-paged list's query: page size and the opaque cursor of the previous page. */
export const pageQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  cursor: z.optional(z.string().check(z.maxLength(512))),
});

/** A required JSON request body validated by `schema`; its examples are documentation (`examplesOf` in common.docs.ts). */
export const jsonBody = <T extends z.ZodMiniType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
