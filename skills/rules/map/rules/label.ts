import { EVALUATIVE, FILLERS, LAPSE_WORDS, STRUCTURAL } from "../../lexicon.ts";
import type { Token } from "../../text.ts";
import { overlaps } from "../clause.ts";
import type { Clause, MapRule } from "../types.ts";

/**
 * Words that name a campaign or a list rather than a condition ("Winback UK:", "spring
 * reactivation -"): in a segment's header they are its name.
 */
const CAMPAIGN_WORDS = new Set([
  "winback",
  "win-back",
  "reactivation",
  "re-activation",
  "reengagement",
  "re-engagement",
  "retention",
  "nurture",
  "upsell",
  "up-sell",
  "cross-sell",
  "crosssell",
  "campaign",
  "promo",
  "promotion",
  "newsletter",
  "mailer",
  "mailing",
  "blast",
  "audience",
  "cohort",
  "list",
  "segment",
  "retargeting",
  "remarketing",
  "lookalike",
  "seed",
  "welcome",
  "onboarding",
  "outreach",
  "targeting",
  "test",
]);

/** Words before a colon that say what follows is the segment's name ("Name:", "List name:"). */
const NAMING_WORDS = new Set(["name", "title", "label", "list", "called", "named"]);

const isSeparator = (t: Token | undefined) =>
  t !== undefined && (t.text === ":" || t.text === "|" || (t.text === "-" && t.kind === "symbol"));

/** The request's tokens before the clause. */
const before = (c: Clause) => c.allTokens.filter((t) => t.end <= c.seg.start);

/**
 * The clause right after a short leading label ("Geo: Nordics - …", "Name: Spring push | …")
 * that ends at a separator of its own, with more to come.
 */
function afterLeadingLabel(c: Clause): boolean {
  const prior = before(c);
  const next = c.allTokens.find((t) => t.start >= c.seg.end);
  return (
    c.index === 1 &&
    !c.isLast &&
    prior.length > 0 &&
    prior.length <= 4 &&
    isSeparator(prior[prior.length - 1]) &&
    (isSeparator(next) || isSeparator(c.tokens[c.tokens.length - 1]))
  );
}

/**
 * The clause lies before the colon or spaced dash near the start of the request that decompose
 * split the header at ("Reactivation:", "scandi shoppers - …"), or is the next piece of such a
 * header ("Geo: Nordics - Norway, …").
 */
export function isHeader(c: Clause): boolean {
  if (afterLeadingLabel(c)) return true;
  const sep = c.allTokens.slice(1, 8).find(isSeparator);
  return (
    c.index === 0 &&
    !c.isLast &&
    sep !== undefined &&
    c.seg.start < sep.start &&
    c.seg.end <= sep.end
  );
}

/** "Name: …", "Segment name: …", "List: …": the label before says this piece is a name. */
function named(c: Clause): boolean {
  const prior = before(c);
  return (
    afterLeadingLabel(c) &&
    prior[prior.length - 1]!.text === ":" &&
    prior.some((t) => NAMING_WORDS.has(t.lower))
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

/** Campaign words in a header that states conditions ("Winback UK:"): its name, not unknown. */
export function headerNameWords(c: Clause): Token[] {
  return isHeader(c) ? c.tokens.filter((t) => CAMPAIGN_WORDS.has(t.lower)) : [];
}

/**
 * "Spring reactivation: customers who …", "Q1 2011 cohort - first purchase …": a header
 * before a colon or dash that names no value, amount, measure or verb but has words of its own
 * is the segment's name, not a condition — its dates and guessed product words included.
 * After "Name:" or "List:" the next piece is the name whatever it mentions ("List: FR party
 * planners - …"), as long as it has words of its own and states no amount, verb or negation.
 */
export const label: MapRule = {
  name: "label",
  doc: "A leading header before ':' or ' - ' that states no condition is the segment's name.",
  applies: (c) =>
    isHeader(c) &&
    c.quantities.length === 0 &&
    c.verbs.length === 0 &&
    c.negators.length === 0 &&
    nameWords(c).length > 0 &&
    (named(c) ||
      (c.attrs.length === 0 &&
        c.items.every((m) => !m.exact) &&
        c.measures.length === 0 &&
        c.recency.length === 0)),
  apply(_c, f) {
    f.done = true;
  },
};
