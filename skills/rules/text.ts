/**
 * Normalisation and tokenisation with character offsets, so every later step can point at
 * the user's verbatim words.
 */

export interface Token {
  /** Text as written. */
  text: string;
  /** Lower-cased, apostrophes folded ("haven't" -> "haven't"). */
  lower: string;
  start: number;
  end: number;
  kind: "word" | "number" | "symbol" | "quote";
}

/**
 * Unicode-normalises and folds typography (curly quotes, dashes, non-breaking spaces) and
 * collapses whitespace. Offsets of later steps refer to this string.
 */
export function normaliseRequest(raw: string): string {
  return (
    raw
      .normalize("NFKC")
      .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
      .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
      .replace(/[\u2013\u2014\u2212]/g, "-")
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, " ")
      // Shorthand marketers type: "w/" -> "with", "excl." -> "excluding", "a fortnight".
      .replace(/\bw\/o\b/gi, "without")
      .replace(/\bw\/(?=\s|$)/gi, "with")
      .replace(/\b(excl|exc|ex)\.(?=\s)/gi, "excluding")
      .replace(/\bexcl\b/gi, "excluding")
      .replace(/\ba fortnight\b/gi, "2 weeks")
      // "avg order value", "qty", "cust": abbreviations of the catalog's own words.
      .replace(/\bavg\b\.?/gi, "average")
      .replace(/\bqty\b\.?/gi, "quantity")
      .replace(/\bcusts?\b\.?(?=\s)/gi, "customers")
      // "L30D", "L12W", "L6M", "T12M", "LTM": the last (trailing) N days, weeks, months, years.
      .replace(/\b[LT](\d+)\s?([DWMY])\b/gi, (_m, n: string, u: string) => {
        const unit = { d: "days", w: "weeks", m: "months", y: "years" }[u.toLowerCase()]!;
        return `last ${n} ${n === "1" ? unit.slice(0, -1) : unit}`;
      })
      .replace(/\b(?:LTM|TTM|L12M)\b/g, "last 12 months")
      // Comparison signs: "≥ £10k", "⩽ 3 orders" as the ASCII pairs the grammar reads.
      .replace(/\s*[\u2265\u2A7E]\s*/g, " >= ")
      .replace(/\s*[\u2264\u2A7D]\s*/g, " <= ")
      .replace(/\s*(?:\u2260|!=)\s*(?=[£$€]?\d)/g, " not exactly ")
      // "order val", "basket vals": the abbreviated value of an order.
      .replace(/\b(order|basket|cart|lifetime|customer|transaction)\s+vals?\b\.?/gi, "$1 value")
      // "30d", "2wks", "6mo", "1yr": durations as marketers abbreviate them.
      .replace(/\b(\d+)\s?d\b/g, "$1 days")
      .replace(/\b(\d+)\s?(wk|wks|w)\b/gi, "$1 weeks")
      .replace(/\b(\d+)\s?(mo|mos|mth|mths)\b/gi, "$1 months")
      .replace(/\b(\d+)\s?(yr|yrs)\b/gi, "$1 years")
      // "ctrl+z that", "cmd-z": the keyboard's undo and redo.
      .replace(/\b(?:ctrl|cmd|command)\s*[-+]?\s*shift\s*[-+]?\s*z\b/gi, "redo")
      .replace(/\b(?:ctrl|cmd|command)\s*[-+]?\s*z\b/gi, "undo")
      .replace(/\b(?:ctrl|cmd|command)\s*[-+]?\s*y\b/gi, "redo")
      // "easter -> textiles", "Q3 => Q4": one arrow, the edit grammar's "old → new".
      .replace(/\s*(?:->|=>|\u2192)\s*/g, " \u2192 ")
      // "Wales n Scotland": a lone lower-case "n" between words is "and".
      .replace(/(?<=\p{L}) n (?=\p{L})/gu, " and ")
      .replace(/^n (?=\p{L})/u, "and ")
      // Field names typed as identifiers: "amount_spent", "last_order_date".
      .replace(/(?<=\p{L})_(?=\p{L})/gu, " ")
      // "under-25s", "over-55s": a comparison glued to the number it compares.
      .replace(/\b(under|over|below|above)-(?=\d)/gi, "$1 ")
      .replace(/\b(\d+) fortnights\b/gi, (_m, n: string) => `${Number(n) * 2} weeks`)
      .replace(/\bfortnight\b/gi, "2 weeks")
      .replace(/\b(who|that|which)'s\b/gi, "$1 is")
      // "whose baskets contained X": the orders held X.
      .replace(
        /\b(baskets?|carts?|trolleys?)\s+(contained|included|featured|held)\b/gi,
        "orders $2",
      )
      // Contractions become words the grammar knows: "who've" -> "who have".
      .replace(/\b([A-Za-z]+)'ve\b/g, "$1 have")
      .replace(/\b([A-Za-z]+)'re\b/g, "$1 are")
      .replace(/\b([A-Za-z]+)'ll\b/g, "$1 will")
      .replace(/\b(who|they|we|I|you|he|she)'d\b/gi, "$1 had")
      .replace(/\s+/g, " ")
      .trim()
  );
}

// Words keep inner apostrophes, hyphens, dots and ampersands ("haven't", "t-light", "u.s.").
const TOKEN_RE =
  /([£$€])|((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?)|([\p{L}\p{M}][\p{L}\p{M}\d]*(?:['.&-][\p{L}\p{M}\d]+)*\.?)|(["'])|([^\s\p{L}\p{M}\d])/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const t = m[0];
    const start = m.index ?? 0;
    const kind = m[1] ? "symbol" : m[2] ? "number" : m[3] ? "word" : m[4] ? "quote" : "symbol";
    // A trailing dot is kept only for abbreviations like "u.s."; otherwise it is punctuation.
    let word = t;
    if (kind === "word" && word.endsWith(".") && !/\.[\p{L}]+\.$/u.test(word)) {
      word = word.slice(0, -1);
    }
    tokens.push({ text: word, lower: word.toLowerCase(), start, end: start + word.length, kind });
  }
  return tokens;
}

/** Crude English singular used to match product words ("teapots" -> "teapot"). */
export function singular(word: string): string {
  if (word.length <= 3) return word;
  if (/ies$/.test(word)) return word.slice(0, -3) + "y";
  if (/(ches|shes|xes|sses|zes)$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}
