/**
 * Word splitting for the local word index (activities.*words, entities.*words) and for search
 * queries. Both sides use the same function, so a query word always compares like a stored word.
 */

const NON_WORD = /[^\p{L}\p{N}]+/u;
const MARKS = /\p{M}+/gu;

/** Lower-case, accent-free (café → cafe: reps type without accents on the road). */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** The distinct words of the given texts, lower-cased, in first-seen order. */
export function wordsOf(...texts: readonly (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const w of normalizeText(text).split(NON_WORD)) if (w) seen.add(w);
  }
  return [...seen];
}

/**
 * The words of a search query. `+` is a space (docs/crm-contract.md "Lists and search": as in a query string), and a
 * word that is a prefix of another query word adds nothing, so it is dropped.
 */
export function queryWords(q: string): string[] {
  const words = wordsOf(q.replace(/\+/g, ' '));
  return words.filter((w) => !words.some((o) => o !== w && o.startsWith(w)));
}

/** True when every query word is a prefix of at least one of `words`. */
export function matchesAllPrefixes(words: readonly string[], query: readonly string[]): boolean {
  return query.every((q) => words.some((w) => w.startsWith(q)));
}
