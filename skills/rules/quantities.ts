/**
 * Numbers, currencies and comparisons: "over £10,000", "at least 3 times", "between £200
 * and £400", "£5k or more", "exactly two", "fewer than 100 units".
 */
import type { ComparisonOp } from "../../state/segment.ts";
import { NUMBER_WORDS } from "./lexicon.ts";
import type { Token } from "./text.ts";

export interface QuantityTag {
  start: number;
  end: number;
  text: string;
  op: ComparisonOp;
  value: number;
  value2?: number;
  /** ISO code when the amount carried a currency ("£", "pounds", "GBP"). */
  currency?: string;
  /** Up to three lower-case words right after the number ("times", "distinct products"). */
  unit: string[];
  confidence: number;
  /** Index range of the tokens consumed, `[first, last]`. */
  tokens: [number, number];
}

/** Currency signs and words the number reader knows, with their ISO codes. */
export const SYMBOL_CURRENCY: Record<string, string> = { "£": "GBP", $: "USD", "€": "EUR" };
export const WORD_CURRENCY: Record<string, string> = {
  pounds: "GBP",
  pound: "GBP",
  gbp: "GBP",
  quid: "GBP",
  sterling: "GBP",
  dollars: "USD",
  dollar: "USD",
  usd: "USD",
  euros: "EUR",
  euro: "EUR",
  eur: "EUR",
};
const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  grand: 1e3,
  m: 1e6,
  mn: 1e6,
  million: 1e6,
  bn: 1e9,
  billion: 1e9,
  hundred: 100,
};

const PRE_COMPARATORS: [string[], ComparisonOp][] = [
  [["no", "more", "than"], "lte"],
  [["not", "more", "than"], "lte"],
  [["no", "less", "than"], "gte"],
  [["not", "less", "than"], "gte"],
  [["no", "fewer", "than"], "gte"],
  [["not", "fewer", "than"], "gte"],
  [["a", "minimum", "of"], "gte"],
  [["a", "maximum", "of"], "lte"],
  [["in", "excess", "of"], "gt"],
  [["more", "than"], "gt"],
  [["greater", "than"], "gt"],
  [["higher", "than"], "gt"],
  [["larger", "than"], "gt"],
  [["bigger", "than"], "gt"],
  [["upwards", "of"], "gt"],
  [["north", "of"], "gt"],
  [["at", "least"], "gte"],
  [["minimum", "of"], "gte"],
  [["less", "than"], "lt"],
  [["fewer", "than"], "lt"],
  [["lower", "than"], "lt"],
  [["smaller", "than"], "lt"],
  [["at", "most"], "lte"],
  [["up", "to"], "lte"],
  [["maximum", "of"], "lte"],
  [[">", "="], "gte"],
  [["<", "="], "lte"],
  [["over"], "gt"],
  [["exceed"], "gt"],
  [["exceeds"], "gt"],
  [["exceeded"], "gt"],
  [["topped"], "gt"],
  [["tops"], "gt"],
  [["above"], "gt"],
  [["exceeding"], "gt"],
  [["beyond"], "gt"],
  [["under"], "lt"],
  [["below"], "lt"],
  [["minimum"], "gte"],
  [["min"], "gte"],
  [["maximum"], "lte"],
  [["max"], "lte"],
  [["exactly"], "eq"],
  [["precisely"], "eq"],
  [["only"], "eq"],
  [[">"], "gt"],
  [["<"], "lt"],
  [["="], "eq"],
];

const POST_COMPARATORS: [string[], ComparisonOp][] = [
  [["or", "more"], "gte"],
  [["or", "above"], "gte"],
  [["or", "over"], "gte"],
  [["and", "above"], "gte"],
  [["and", "over"], "gte"],
  [["and", "up"], "gte"],
  [["or", "higher"], "gte"],
  [["plus"], "gte"],
  [["+"], "gte"],
  [["or", "less"], "lte"],
  [["or", "fewer"], "lte"],
  [["or", "below"], "lte"],
  [["or", "under"], "lte"],
  [["and", "below"], "lte"],
  [["and", "under"], "lte"],
  [["or", "lower"], "lte"],
  [["at", "most"], "lte"],
  [["max"], "lte"],
];

function matchAt(tokens: Token[], i: number, words: string[]): boolean {
  return words.every((w, k) => tokens[i + k]?.lower === w);
}

interface ParsedNumber {
  value: number;
  currency?: string;
  /** Index of the last token consumed. */
  last: number;
  /** True for "twice", "once": the unit "times" is implied. */
  times: boolean;
}

/** Parses a number at token i: "£5k", "10,000", "two", "a hundred", "1.5 million pounds". */
export function parseNumberAt(tokens: Token[], i: number): ParsedNumber | undefined {
  let k = i;
  let currency: string | undefined;
  // "£-5", "-£5", "-3 times": a minus glued to the amount makes it negative (never dropped,
  // so validation can ask about it); "3-5" is a range, the minus there is between numbers.
  let negative = false;
  const minus = (at: number) =>
    tokens[at]?.text === "-" &&
    tokens[at + 1]?.start === tokens[at]!.end &&
    (at === 0 || tokens[at - 1]!.kind !== "number");
  if (minus(k)) {
    negative = true;
    k++;
  }
  const sym = tokens[k];
  if (sym && sym.kind === "symbol" && SYMBOL_CURRENCY[sym.text]) {
    currency = SYMBOL_CURRENCY[sym.text];
    k++;
    if (!negative && minus(k) && tokens[k]!.start === sym.end) {
      negative = true;
      k++;
    }
  }
  if (negative && tokens[k]?.kind !== "number") return undefined;
  const tok = tokens[k];
  if (!tok) return undefined;
  let value: number;
  let times = false;
  if (tok.kind === "number") {
    if (/(st|nd|rd|th)$/.test(tok.lower)) return undefined;
    value = Number(tok.lower.replace(/,/g, ""));
    // "1e309", "2.5e3": scientific notation is read as the number it writes, and one too
    // large to be a number at all is no amount (the words are then left unread).
    const exponent = tokens[k + 1];
    if (exponent?.start === tok.end && /^e[+-]?\d+$/i.test(exponent.text)) {
      value = Number(`${tok.lower.replace(/,/g, "")}${exponent.lower}`);
      k++;
    }
    if (!Number.isFinite(value)) return undefined;
    if (negative) value = -value;
  } else if (tok.kind === "word") {
    const parts = tok.lower.split("-");
    if (tok.lower === "a" || tok.lower === "an") {
      // "a hundred", "a thousand", "a dozen", and "a single order".
      const next = tokens[k + 1]?.lower;
      if (next === "single") {
        k++;
      } else if (next !== "hundred" && next !== "thousand" && next !== "dozen") {
        return undefined;
      }
      value = 1;
    } else if (parts.every((p) => p in NUMBER_WORDS)) {
      value = parts.reduce((sum, p) => sum + (NUMBER_WORDS[p] ?? 0), 0);
      times = ["once", "twice", "thrice"].includes(tok.lower);
    } else {
      return undefined;
    }
  } else {
    return undefined;
  }
  // Multipliers glued ("5k") or spaced ("5 thousand", "a dozen").
  let next = tokens[k + 1];
  while (next && (MULTIPLIERS[next.lower] || next.lower === "dozen") && !times) {
    value *= next.lower === "dozen" ? 12 : (MULTIPLIERS[next.lower] ?? 1);
    k++;
    next = tokens[k + 1];
  }
  if (next && WORD_CURRENCY[next.lower]) {
    currency ??= WORD_CURRENCY[next.lower];
    k++;
  }
  return { value, currency, last: k, times };
}

function unitAfter(tokens: Token[], last: number): string[] {
  const out: string[] = [];
  for (let k = last + 1; k < tokens.length && out.length < 3; k++) {
    const t = tokens[k]!;
    if (t.kind !== "word") break;
    out.push(t.lower);
  }
  return out;
}

function postComparator(
  tokens: Token[],
  k: number,
): { op: ComparisonOp; last: number } | undefined {
  for (const [words, op] of POST_COMPARATORS) {
    if (matchAt(tokens, k, words)) return { op, last: k + words.length - 1 };
  }
  return undefined;
}

/**
 * Finds comparisons in the tokens. `masked` marks token indexes already claimed by dates,
 * so "in the last 60 days" never yields a quantity.
 */
export function tagQuantities(text: string, tokens: Token[], masked: Set<number>): QuantityTag[] {
  const tags: QuantityTag[] = [];
  const make = (
    first: number,
    last: number,
    op: ComparisonOp,
    value: number,
    confidence: number,
    extra: { value2?: number; currency?: string; unitFrom: number },
  ): QuantityTag => {
    const start = tokens[first]!.start;
    const end = tokens[last]!.end;
    return {
      start,
      end,
      text: text.slice(start, end),
      op,
      value,
      value2: extra.value2,
      currency: extra.currency,
      unit: unitAfter(tokens, extra.unitFrom),
      confidence,
      tokens: [first, last],
    };
  };

  let i = 0;
  while (i < tokens.length) {
    if (masked.has(i)) {
      i++;
      continue;
    }
    // "between A and B", "from A to B": inclusive ranges.
    if (tokens[i]!.lower === "between" || tokens[i]!.lower === "from") {
      const a = parseNumberAt(tokens, i + 1);
      const joiner = a && tokens[a.last + 1]?.lower;
      const b =
        a && (joiner === "and" || joiner === "to" || joiner === "-")
          ? parseNumberAt(tokens, a.last + 2)
          : undefined;
      if (a && b && !masked.has(a.last) && !masked.has(b.last)) {
        const lo = Math.min(a.value, b.value);
        const hi = Math.max(a.value, b.value);
        tags.push(
          make(i, b.last, "between", lo, 0.95, {
            value2: hi,
            currency: a.currency ?? b.currency,
            unitFrom: b.last,
          }),
        );
        i = b.last + 1;
        continue;
      }
    }
    let pre: [string[], ComparisonOp] | undefined;
    for (const entry of PRE_COMPARATORS) {
      if (matchAt(tokens, i, entry[0])) {
        pre = entry;
        break;
      }
    }
    const numAt = pre ? i + pre[0].length : i;
    const num = masked.has(numAt) ? undefined : parseNumberAt(tokens, numAt);
    if (!num) {
      i++;
      continue;
    }
    // "A-B" / "A to B" ranges without "between".
    const joiner = tokens[num.last + 1]?.lower;
    if (!pre && (joiner === "-" || joiner === "to")) {
      const b = parseNumberAt(tokens, num.last + 2);
      if (b && !masked.has(b.last) && (num.currency || b.currency || b.value > num.value)) {
        tags.push(
          make(i, b.last, "between", Math.min(num.value, b.value), 0.9, {
            value2: Math.max(num.value, b.value),
            currency: num.currency ?? b.currency,
            unitFrom: b.last,
          }),
        );
        i = b.last + 1;
        continue;
      }
    }
    // The post phrase may follow the unit: "5 orders or more".
    let post: { op: ComparisonOp; last: number } | undefined;
    let unitWords = 0;
    // A stated operator wins: in "over £500 and under £100" the "and under" starts a new one.
    for (let skip = 0; skip <= 2 && !post && !pre; skip++) {
      const between = tokens.slice(num.last + 1, num.last + 1 + skip);
      if (
        between.length !== skip ||
        between.some((t) => t.kind !== "word" || t.lower === "or" || t.lower === "and")
      )
        break;
      post = postComparator(tokens, num.last + 1 + skip);
      if (post) unitWords = skip;
    }
    // "at least 3 times or more" is still gte; the post phrase only matters when no pre.
    const op: ComparisonOp = pre?.[1] ?? post?.op ?? "eq";
    const last = post ? post.last : num.last;
    // A bare number is most likely exact ("5 orders"), but less sure than a stated operator.
    const confidence = pre || post ? 0.95 : num.times ? 0.75 : 0.7;
    const tag = make(i, last, op, num.value, confidence, {
      currency: num.currency,
      unitFrom: last,
    });
    if (unitWords)
      tag.unit = tokens.slice(num.last + 1, num.last + 1 + unitWords).map((t) => t.lower);
    if (num.times && !tag.unit.includes("times")) tag.unit.unshift("times");
    tags.push(tag);
    i = last + 1;
  }
  return tags;
}
