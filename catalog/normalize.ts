/**
 * Normalisation shared by the retriever's exact keys and its lexical index: case, diacritics,
 * inflection, British/American spelling, and the term matching quality BM25 cannot give.
 */
// Small on purpose: these are dropped from lexical matching only. Exact keys keep them so that
// synonyms such as "located in" or "in the name" still match whole.
export const STOP_WORDS = new Set([
  "a",
  "an",
  "the",
  "and",
  "or",
  "of",
  "in",
  "on",
  "at",
  "to",
  "for",
  "with",
  "by",
  "from",
  "who",
  "that",
  "which",
]);

const LEADING_ARTICLES = new Set(["the", "a", "an"]);

/** British → American spellings no suffix rule covers; keys are plural-stripped forms. */
const SPELLING: Readonly<Record<string, string>> = {
  jewellery: "jewelry",
  grey: "gray",
  catalogue: "catalog",
  centre: "center",
  metre: "meter",
  litre: "liter",
  theatre: "theater",
  aluminium: "aluminum",
  pyjama: "pajama",
  programme: "program",
  mould: "mold",
  cosy: "cozy",
  doughnut: "donut",
};

/**
 * Case, diacritics, possessives, acronym dots and `&`, shared by exact keys and the lexical
 * tokenizer so both see the same words.
 */
export function prepare(text: string): string {
  // Unicode normalisation is the slowest step and most catalog text is ASCII.
  const ascii = /^[\x20-\x7e]*$/.test(text);
  const base = ascii ? text : text.normalize("NFKD").replace(/\p{M}+/gu, "");
  return (
    base
      .toLowerCase()
      .replace(/['’`]s\b/g, "")
      .replace(/['’`]/g, "")
      // "U.K." and "u.s.a." are one word, not letters: join dotted single letters.
      .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, "$1")
      .replace(/&/g, " and ")
  );
}

export function words(text: string): string[] {
  return prepare(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

/**
 * Folds inflection and British/American spelling so variants share one form: plural
 * s/es/ies, `-our`→`-or`, `-ise`→`-ize`, `-yse`→`-yze`, `-elled`→`-eled` and a small table
 * (jewellery→jewelry). Both sides of every comparison are folded, so a rule only does harm if
 * it merges two different real words; the rules are restricted (minimum lengths, `ss`/`us`/`is`
 * endings kept) to avoid that, and outputs need not be real words ("accessories" and
 * "accessory" both become "accessori").
 */
export function foldToken(token: string): string {
  if (token.length < 3 || /\d/.test(token)) return token;
  const cached = foldCache.get(token);
  if (cached !== undefined) return cached;
  const folded = foldUncached(token);
  // Bounded: catalog vocabularies are a few thousand words, queries add a few each.
  if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache.clear();
  foldCache.set(token, folded);
  return folded;
}

const FOLD_CACHE_LIMIT = 50_000;
const foldCache = new Map<string, string>();

function foldUncached(token: string): string {
  let t = token;
  if (t.length >= 5 && t.endsWith("ies")) t = `${t.slice(0, -3)}i`;
  else if (t.length >= 5 && /(?:ss|x|zz|ch|sh)es$/.test(t)) t = t.slice(0, -2);
  else if (t.length >= 4 && t.endsWith("s") && !/(?:ss|us|is)$/.test(t)) t = t.slice(0, -1);
  t = SPELLING[t] ?? t;
  t = t
    .replace(/^(\p{L}{2,})our(ful|ite|ed|ing|able|er|less)?$/u, "$1or$2")
    .replace(/^(\p{L}{3,})is(e|ed|es|ing|ation|er)$/u, "$1iz$2")
    .replace(/^(\p{L}{2,})ys(e|ed|es|ing)$/u, "$1yz$2")
    .replace(/^(\p{L}{2,}e)ll(ed|ing|er)$/u, "$1l$2");
  // Singular "-y"/"-ie" meet the plural's "-i" ("berry"/"berries", "cookie"/"cookies").
  if (t.length >= 4 && /[^aeiou]y$/.test(t)) t = `${t.slice(0, -1)}i`;
  else if (t.length >= 4 && t.endsWith("ie")) t = t.slice(0, -1);
  return t;
}

/**
 * The key exact matches compare: `prepare`d words, each `foldToken`ed, without an inner
 * "and" (so "Kitchen & Dining", "kitchen and dining" and "kitchen dining" meet) and without a
 * leading article ("the Netherlands").
 */
export function normalizePhrase(text: string): string {
  return keyOf(words(text));
}

export function keyOf(tokens: readonly string[]): string {
  // Only an inner "and" joins two words; a leading or trailing one belongs to the sentence
  // ("kitchen and" must not match "Kitchen & Dining").
  const folded = tokens
    .filter((w, i) => w !== "and" || i === 0 || i === tokens.length - 1)
    .map(foldToken);
  if (folded.length > 1 && LEADING_ARTICLES.has(folded[0]!)) folded.shift();
  return folded.join(" ");
}

export function lexicalTerm(term: string): string | null {
  return STOP_WORDS.has(term) ? null : stem(foldToken(term));
}

/**
 * Strips `-ing`, `-ed` and a final `-e` so inflections meet ("spending"/"spend",
 * "purchased"/"purchase", "baking"/"bake"). Lexical side only: it ranks, whereas exact keys
 * link without asking, and stems such as "earring" → "ear" are fine for one and not the other.
 */
export function stem(term: string): string {
  if (/\d/.test(term)) return term;
  let t = term;
  if (t.length >= 7 && t.endsWith("ing")) t = undouble(t.slice(0, -3));
  else if (t.length >= 5 && t.endsWith("ed") && !t.endsWith("eed")) t = undouble(t.slice(0, -2));
  if (t.length >= 4 && t.endsWith("e")) t = t.slice(0, -1);
  return t;
}

/** "shopp" → "shop", but "fill" and "glass" keep their letters, as Porter's stemmer does. */
function undouble(t: string): string {
  const last = t[t.length - 1];
  return t.length >= 4 && last === t[t.length - 2] && !"lsz".includes(last!) ? t.slice(0, -1) : t;
}

/** Edit distance, giving up (returning `max + 1`) once it must exceed `max`. */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Edits MiniSearch may spend on a query term: none for short words, where one edit is another word. */
export function maxEdits(term: string): number {
  return term.length <= 3 ? 0 : term.length <= 7 ? 1 : 2;
}

/**
 * How well one query term is matched by a document term, 0..1. Raw BM25 cannot say this: it
 * only ranks documents against each other, so a query matching nothing well would still get
 * a top document normalised to 1.
 */
export function termQuality(q: string, t: string): number {
  if (q === t) return 1;
  // A prefix is a partially typed word; the longer the rest, the weaker the evidence.
  if (t.startsWith(q)) return 0.5 + 0.4 * (q.length / t.length);
  const max = maxEdits(q);
  const d = boundedLevenshtein(q, t, max);
  return d <= max ? 0.9 * (1 - d / Math.max(q.length, t.length)) : 0;
}
