import { EVALUATIVE, FILLERS, LAPSE_WORDS, STRUCTURAL } from "../../lexicon.ts";
import { overlaps } from "../clause.ts";
import type { Clause, MapRule } from "../types.ts";

/**
 * The clause lies before the colon or spaced dash near the start of the request that decompose
 * split the header at ("Reactivation:", "scandi shoppers - …").
 */
function isHeader(c: Clause): boolean {
  const sep = c.allTokens
    .slice(1, 8)
    .find((t) => t.text === ":" || (t.text === "-" && t.kind === "symbol"));
  return (
    c.index === 0 &&
    !c.isLast &&
    sep !== undefined &&
    c.seg.start < sep.start &&
    c.seg.end <= sep.end
  );
}

/** Words of the header that name nothing the catalog or the grammar knows. */
function nameWords(c: Clause) {
  return c.tokens.filter(
    (t) =>
      t.kind === "word" &&
      !FILLERS.has(t.lower) &&
      !STRUCTURAL.has(t.lower) &&
      !EVALUATIVE.has(t.lower) &&
      !LAPSE_WORDS.has(t.lower) &&
      !c.dates.some((d) => overlaps(d, t)) &&
      !c.mentions.some((m) => m.exact && overlaps(m, t)),
  );
}

/**
 * "Spring reactivation: customers who …", "Q1 2011 cohort - first purchase …": a header
 * before a colon or dash that names no value, amount, measure or verb but has words of its own
 * is the segment's name, not a condition — its dates and guessed product words included.
 */
export const label: MapRule = {
  name: "label",
  doc: "A leading header before ':' or ' - ' that states no condition is the segment's name.",
  applies: (c) =>
    isHeader(c) &&
    c.attrs.length === 0 &&
    c.items.every((m) => !m.exact) &&
    c.quantities.length === 0 &&
    c.verbs.length === 0 &&
    c.negators.length === 0 &&
    c.measures.length === 0 &&
    c.recency.length === 0 &&
    nameWords(c).length > 0,
  apply(_c, f) {
    f.done = true;
  },
};
