import { stemmer } from "stemmer";
import { MAX_MESSAGES } from "./prompt";
import type { TicketText } from "./types";

// Words that say nothing about what a ticket is about (support mail is full of them).
const STOPWORDS = new Set(
  (
    "the and for with that this from have has had not but are was were you your our out can cannot " +
    "cant could would should will been being into onto about after before when what which who why how " +
    "there their they them then than its it's i'm ive i've please thanks thank hello dear any all some " +
    "get got just also very more most only other such own same too able ticket issue problem help need " +
    "did does doing don't dont didn't didnt does doesn't doesnt isn't isnt wasn't wasnt won't wont her him " +
    "his she she's he's we're we've you're you've yet still now one two may might must shall let like want " +
    "know see way yes yesterday today"
  ).split(" "),
);

// Forms a suffix stemmer cannot join to their verb, common in support requests.
const IRREGULAR: Record<string, string> = {
  stole: "steal",
  stolen: "steal",
  lost: "lose",
  withdrew: "withdraw",
  withdrawn: "withdraw",
  sent: "send",
  paid: "pay",
  bought: "buy",
  forgot: "forget",
  forgotten: "forget",
  broke: "break",
  broken: "break",
  took: "take",
  taken: "take",
  gave: "give",
  given: "give",
  made: "make",
  came: "come",
  went: "go",
  gone: "go",
  wrote: "write",
  written: "write",
  spent: "spend",
  left: "leave",
  chose: "choose",
  chosen: "choose",
  froze: "freeze",
  frozen: "freeze",
};

/**
 * One term per word family. The Porter stemmer (the `stemmer` package: small, typed, maintained,
 * and the algorithm the IR literature measures) joins inflections (transferred/transfers/transfer,
 * charged/charges). Around it, three things it cannot do: irregular forms (stole/stolen → steal),
 * British spellings (recognise → recognize, before stemming), and the `y → i` and `-er` stems it
 * leaves apart (verify "verifi" / verification "verif", delivery "deliveri" / deliver "deliv").
 * Both sides of every comparison (tickets, category descriptions, learned counts) go through this,
 * so it only has to be consistent with itself.
 */
export const term = (word: string): string => {
  let cached = termOf.get(word);
  if (cached === undefined) {
    cached = computeTerm(word);
    // Bounded per isolate: support vocabulary is small and repetitive, so nearly every word of a
    // new ticket is a hit; a flood of unique words only ever costs a cleared map.
    if (termOf.size >= MAX_CACHED_TERMS) termOf.clear();
    termOf.set(word, cached);
  }
  return cached;
};

// Stemming is most of createTicket's own CPU for a typical ticket (about 0.1 ms of the worker's
// 0.3 ms in `npm run bench`'s replayed pass) unless words seen before are remembered.
const MAX_CACHED_TERMS = 20_000;
const termOf = new Map<string, string>();

const computeTerm = (word: string): string => {
  const base = IRREGULAR[word] ?? word.replace(/^(.{4,}[^aeiou])is(e|ed|es|ing|ation|ations)$/, "$1iz$2");
  let stem = stemmer(base);
  if (stem.length > 4 && stem.endsWith("eri")) stem = stem.slice(0, -3);
  else if (stem.length > 4 && /[^aeiou]i$/.test(stem)) stem = stem.slice(0, -1);
  return stem;
};

const MAX_TEXT = 5_000;
/** At most this many distinct terms per ticket (the most frequent): bounds storage and the learning batch. */
export const MAX_TERMS = 200;

/** How often each term occurs in `text`: lower-cased Unicode words of 3+ letters, no stop words. */
export const termCounts = (text: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const raw of text
    .slice(0, MAX_TEXT)
    .toLowerCase()
    .match(/[\p{L}\p{N}']+/gu) ?? []) {
    const word = raw.replace(/'/g, "");
    if (word.length < 3 || word.length > 40 || STOPWORDS.has(raw) || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    const t = term(word);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
};

/** A ticket's term counts as stored with it (`tickets.terms`): what the classifier reads and learns from. */
export type TermCounts = Record<string, number>;

/**
 * The terms of the text a classifier reads (title, description, first messages), the MAX_TERMS
 * most frequent, ties by term: deterministic for the same text.
 */
export const ticketTerms = (
  ticket: Pick<TicketText, "title" | "description"> & { messages: readonly { content: string }[] },
): TermCounts => {
  const text = [ticket.title, ticket.description ?? "", ...ticket.messages.slice(0, MAX_MESSAGES).map((m) => m.content)].join("\n");
  const ranked = [...termCounts(text)].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(ranked.slice(0, MAX_TERMS));
};
