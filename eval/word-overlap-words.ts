// Words that say nothing about what a ticket is about.
const STOPWORDS = new Set(
  (
    "the and for with that this from have has had not but are was were you your our out can cannot " +
    "cant could would should will been being into onto about after before when what which who why how " +
    "there their they them then than its it's i'm ive i've please thanks thank hello dear any all some " +
    "get got just also very more most only other such own same too able ticket issue problem help need"
  ).split(" "),
);

const SUFFIXES = ["ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s"];

/**
 * A deliberately small stemmer: strips common English suffixes, a trailing "e" and a doubled final
 * consonant, so "charged"/"charges"/"charge" and "billing"/"bills" meet. It only has to be
 * consistent with itself, since both sides of every comparison go through it.
 */
export const stem = (word: string): string => {
  let w = word;
  for (const suffix of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + (suffix === "ies" || suffix === "ied" ? "y" : "");
      break;
    }
  }
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  if (w.length > 3 && w.at(-1) === w.at(-2) && !/[aeiou]/.test(w.at(-1)!)) w = w.slice(0, -1);
  return w;
};

/** The distinct stems of the meaningful words in `text`. */
export const stems = (text: string): Set<string> => {
  const out = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
    const w = word.replace(/'/g, "");
    if (w.length < 3 || STOPWORDS.has(word) || STOPWORDS.has(w)) continue;
    out.add(stem(w));
  }
  return out;
};
