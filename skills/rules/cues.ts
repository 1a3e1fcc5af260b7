/**
 * Cue tokens: the closed-class words and phrases of a clause that carry structure rather than
 * catalog meaning — negation, coordination, verbs of buying and cancelling, anaphora, the
 * comparators that turn "N days ago" into a boundary. Found once per clause, on token
 * boundaries, so the mapper's rules consume typed cues instead of re-reading the sentence.
 */
import { BUY_VERBS, CANCEL_WORDS, NEGATORS, VAGUE_PHRASES } from "./lexicon.ts";
import type { Token } from "./text.ts";

export type CueKind =
  /** "not", "never", "haven't": negates the predicate of its clause. */
  | "negator"
  /** A verb of buying ("bought", "ordered", "spent"). */
  | "buy"
  /** A word of cancelling or returning ("cancelled", "returns"). */
  | "cancel"
  /** Disjunction between two spans ("or", "either", "nor", "/"). */
  | "or"
  /** "any of", "either of": the items listed after it are alternatives, commas included. */
  | "any-of"
  /** "both": each of the coordinated periods holds on its own. */
  | "both"
  /** "each of", "every one of": one condition per coordinated period. */
  | "each"
  /** "since", "after", "afterwards" outside a date: from the end of the previous window. */
  | "since"
  /** "outside": with only "of"/"the" after it, negates the attribute values that follow. */
  | "outside"
  /** The "non-" of "non-UK": negates the value it prefixes. */
  | "non"
  /** "nothing", "anything", "any": the object is any item, not the previous ones. */
  | "any-object"
  /** "none": none of the items just named ("candles in autumn but none in winter"). */
  | "none"
  /** "within a month", "within any 30 days": a rolling period, not a window back from as-of. */
  | "rolling"
  /** A vague word with no threshold: "recent", "a lot", "likely to churn". */
  | "vague-recent"
  | "vague-frequent"
  | "vague-lapse"
  /** "that period", "the same time": the window of the clause before. */
  | "window-anaphor"
  /** "on them", "of those items": the items of the clause before. */
  | "item-anaphor"
  /** "more than", "over", ">": before an "N ago" date, the time before that day. */
  | "more-than"
  /** "less than", "within", "<": before an "N ago" date, the time since that day. */
  | "less-than"
  /** "earlier than", "prior to": before a date, the time before it starts. */
  | "earlier-than"
  /** "later than": before a date, the time after it ends. */
  | "later-than"
  /** "by": with "the end of X", everything up to the end of X. */
  | "by"
  /** "the end of": the closing part of a period ("by the end of February"). */
  | "end-of"
  /** A conjunction or list separator between two dates ("," "or" "and" "&" "/"). */
  | "date-joiner"
  /** "lifetime", "all time": the whole history, stated (no window). */
  | "lifetime"
  /** "and above", "or higher", "+": this value and every one ranked above it. */
  | "and-above"
  /** "and below", "or lower": this value and every one ranked below it. */
  | "and-below";

export interface Cue {
  kind: CueKind;
  /** Character offsets in the request, `[start, end)`. */
  start: number;
  end: number;
  /** Token indexes covered, `[first, last]`, in the token list the cues were found in. */
  first: number;
  last: number;
  text: string;
}

const phrases = (...list: string[]): string[][] => list.map((p) => p.split(" "));

const TIME_NOUNS = ["period", "time", "timeframe", "window", "year", "month", "quarter", "season"];
const ANAPHOR_OBJECTS = ["them", "those", "these", "it", "that", "those items", "these items"];

/** Phrase cues, matched on consecutive tokens; the longest phrase at a position wins. */
const PHRASES: [CueKind, string[][]][] = [
  ["or", phrases("or", "either", "nor", "/")],
  ["any-of", phrases("any of", "any one of", "either of")],
  ["both", phrases("both")],
  ["each", phrases("each of", "every one of", "each")],
  ["since", phrases("since", "after", "afterwards", "afterward", "thereafter")],
  ["outside", phrases("outside")],
  ["any-object", phrases("nothing", "anything", "any")],
  ["none", phrases("none of them", "none of those", "none")],
  [
    "rolling",
    ["within", "in"].flatMap((p) =>
      ["a", "one", "any", "the same", "a single", "any one", "any given"].map((d) =>
        `${p} ${d}`.split(" "),
      ),
    ),
  ],
  ["vague-recent", VAGUE_PHRASES.recent.map((p) => p.split(" "))],
  ["vague-frequent", VAGUE_PHRASES.frequent.map((p) => p.split(" "))],
  ["vague-lapse", VAGUE_PHRASES.lapse.map((p) => p.split(" "))],
  [
    "window-anaphor",
    ["that", "the same", "this"].flatMap((d) => TIME_NOUNS.map((n) => `${d} ${n}`.split(" "))),
  ],
  [
    "item-anaphor",
    ["on", "of", "for"].flatMap((p) => ANAPHOR_OBJECTS.map((o) => `${p} ${o}`.split(" "))),
  ],
  ["more-than", phrases("more than", "over", "at least", "longer than", "greater than", ">")],
  ["less-than", phrases("less than", "under", "within", "fewer than", "<")],
  [
    "earlier-than",
    ["earlier", "sooner", "prior"].flatMap((a) => ["than", "to"].map((b) => [a, b])),
  ],
  ["later-than", phrases("later than")],
  ["by", phrases("by")],
  ["end-of", phrases("the end of", "end of")],
  ["date-joiner", phrases(",", "or", "and", "&", "/")],
  ["lifetime", phrases("lifetime", "all time", "all-time", "over all time", "of all time")],
  [
    "and-above",
    phrases(
      "and above",
      "or above",
      "and up",
      "or higher",
      "and higher",
      "or better",
      "and over",
      "or over",
      "+",
    ),
  ],
  ["and-below", phrases("and below", "or below", "and under", "or lower", "and lower", "or under")],
];

function matchAt(tokens: Token[], i: number, words: string[]): boolean {
  return words.every((w, k) => tokens[i + k]?.lower === w);
}

/** Per first word, the phrases of each kind that start with it, longest first. */
const BY_FIRST_WORD = new Map<string, [CueKind, string[][]][]>();
for (const [kind, list] of PHRASES) {
  for (const words of [...list].sort((a, b) => b.length - a.length)) {
    const entries = BY_FIRST_WORD.get(words[0]!) ?? [];
    const own = entries.find(([k]) => k === kind);
    if (own) own[1].push(words);
    else entries.push([kind, [words]]);
    BY_FIRST_WORD.set(words[0]!, entries);
  }
}

/** Every cue of the tokens; cues of different kinds may overlap ("over" is also a comparator). */
export function findCues(tokens: Token[]): Cue[] {
  const out: Cue[] = [];
  const push = (kind: CueKind, first: number, last: number, start?: number, end?: number) => {
    const s = start ?? tokens[first]!.start;
    const e = end ?? tokens[last]!.end;
    const text = tokens
      .slice(first, last + 1)
      .map((t) => t.text)
      .join(" ");
    out.push({ kind, start: s, end: e, first, last, text });
  };
  tokens.forEach((t, i) => {
    if (NEGATORS.has(t.lower) || t.lower.endsWith("n't")) push("negator", i, i);
    if (BUY_VERBS.has(t.lower)) push("buy", i, i);
    if (CANCEL_WORDS.has(t.lower)) push("cancel", i, i);
    if (t.lower.startsWith("non-") && t.lower.length > 4) push("non", i, i, t.start, t.start + 4);
    for (const [kind, list] of BY_FIRST_WORD.get(t.lower) ?? []) {
      const best = list.find((words) => matchAt(tokens, i, words));
      if (best) push(kind, i, i + best.length - 1);
    }
  });
  return out;
}
