/**
 * What every edit rule sees: the message's typed tokens, the current segment's conditions,
 * the version history, and helpers to build plans, provenance and plain-words descriptions.
 */
import type { EditChoice, EditOp, EditPlan, VersionKind } from "../../../state/edit.ts";
import {
  itemFiltersOf,
  type BehaviourCondition,
  type Condition,
  type Provenance,
  type RuleNode,
  type SegmentDefinition,
} from "../../../state/segment.ts";
import { describeCondition } from "../../../segment/explain.ts";
import type { EditInput, Mention, SkillContext } from "../../types.ts";
import {
  BUY_VERBS,
  CANCEL_WORDS,
  CLAUSE_OPENERS,
  CONTRAST,
  EVALUATIVE,
  HEAD_NOUNS,
  LAPSE_WORDS,
  NEGATORS,
  NUMBER_WORDS,
  STRUCTURAL,
} from "../lexicon.ts";
import { GLOSSARY_FACET } from "../link.ts";
import { singular, tokenize, type Token } from "../text.ts";
import { inside, type Analysis, type LanguageSkills, type Span } from "./analyse.ts";
import { firstCue, type Cue, type CueKind } from "./cues.ts";
import { ANAPHORA, EDIT_FILLERS, PART_NOUNS, POPULATION_WORDS } from "./lexicon.ts";
import { leavesOf, type Leaf } from "./targets.ts";

export const EDIT_PRODUCER = "rules/edit@1";

export interface EditFrame {
  text: string;
  a: Analysis;
  base: SegmentDefinition;
  leaves: Leaf[];
  version: number;
  /** The version an accepted edit becomes. */
  next: number;
  history: EditInput["history"];
  /** The diff that made the current version, when an edit did. */
  previous: EditInput["previous"];
  ctx: SkillContext;
  skills: LanguageSkills;
}

export interface EditRule {
  name: string;
  /** Cheap test over the typed tokens: could this rule be what the message asks for? */
  applies(f: EditFrame): boolean;
  /** The plan, or null when, looked at closely, the message is not this rule's after all. */
  apply(f: EditFrame): Promise<EditPlan | null> | EditPlan | null;
}

export function buildFrame(
  input: EditInput,
  a: Analysis,
  ctx: SkillContext,
  skills: LanguageSkills,
): EditFrame {
  return {
    text: input.text,
    a,
    base: input.base,
    leaves: leavesOf(input.base.root),
    version: input.version,
    next: input.version + 1,
    history: input.history,
    previous: input.previous ?? null,
    ctx,
    skills,
  };
}

export function cue(f: EditFrame, kind: CueKind): Cue | undefined {
  return firstCue(f.a.cues, kind);
}

export function plan(rule: string, kind: VersionKind, ops: EditOp[], confidence = 0.9): EditPlan {
  return {
    ops,
    choices: [],
    refusal: null,
    kind,
    confidence,
    producer: EDIT_PRODUCER,
    rules: [rule],
  };
}

export function ask(rule: string, choices: EditChoice[], confidence = 0.5): EditPlan {
  return {
    ops: [],
    choices,
    refusal: null,
    kind: "edit",
    confidence,
    producer: EDIT_PRODUCER,
    rules: [rule],
  };
}

export function refuse(rule: string, code: string, message: string): EditPlan {
  return {
    ops: [],
    choices: [],
    refusal: { code, message },
    kind: "edit",
    confidence: 1,
    producer: EDIT_PRODUCER,
    rules: [rule],
  };
}

/** Plain words for a condition, with NOT when it excludes. */
export function describeLeaf(f: EditFrame, leaf: Leaf): string {
  return `${leaf.negated ? "not: " : ""}${describeCondition(leaf.condition, f.ctx.catalog)}`;
}

/** "1. Country is France; 2. Spent more than £500 at any time" — for refusals. */
export function listConditions(f: EditFrame): string {
  return f.leaves.map((l) => `${l.index}. ${describeLeaf(f, l)}`).join("; ");
}

export function provenanceFor(
  f: EditFrame,
  span: Span,
  source: Provenance["source"] = "catalog",
  confidence = 0.9,
): Provenance {
  // The user's words without the spaces around them.
  const raw = f.text.slice(span.start, span.end);
  const start = span.start + (raw.length - raw.trimStart().length);
  const end = Math.max(start, span.end - (raw.length - raw.trimEnd().length));
  return {
    span: f.text.slice(start, end),
    start,
    end,
    source,
    confidence,
    producer: EDIT_PRODUCER,
    version: f.next,
  };
}

/** Everything after the cue, up to the end of the message. */
export function after(f: EditFrame, c: Cue): Span {
  return { start: c.stop, end: f.text.length };
}

export function whole(f: EditFrame): Span {
  return { start: 0, end: f.text.length };
}

/** A value the message names, with the catalog facet it belongs to. */
export interface NamedValue {
  facetId: string;
  value: string;
  mention: Mention;
  /** Preceded by "not", "no", "except" in the content ("only Spain, not Portugal"). */
  negated: boolean;
}

/** Words that may sit between values without making the content a clause. */
const GLUE = new Set([
  // "who are 55-64", "the 65+ crowd": a relative or a group noun around values adds nothing.
  "who",
  "crowd",
  "bracket",
  "aged",
  "and",
  "or",
  "nor",
  "&",
  ",",
  "/",
  "+",
  "not",
  "no",
  "too",
  "as",
  "well",
  "either",
  "both",
  "only",
  "just",
  "ones",
  "in",
  "from",
  "based",
  "living",
  "located",
  "at",
  "live",
  "lives",
  "customers",
  "people",
  "those",
  "shoppers",
  "buyers",
  "folks",
  "members",
  "with",
  "of",
  "products",
  "product",
  "items",
  "item",
  "stuff",
  "things",
  "category",
  "categories",
  "country",
  "countries",
  "region",
  "regions",
  "tier",
  "tiers",
  "brand",
  "brands",
  "instead",
  "also",
  "plus",
  "except",
  "excluding",
  "but",
  "including",
  "include",
  "add",
  "too",
  "again",
  "back",
  "either",
  "whichever",
  "fine",
  "more",
]);

/** Words that carry a request's structure: never conversational noise. */
const MEANINGFUL = [
  HEAD_NOUNS,
  CLAUSE_OPENERS,
  CONTRAST,
  NEGATORS,
  BUY_VERBS,
  CANCEL_WORDS,
  STRUCTURAL,
  EVALUATIVE,
  LAPSE_WORDS,
];

/**
 * Conversational noise in an edit ("chuck Belgium in", "the requirement can go", "either
 * one's fine"): a word that is no catalog word, no structure word of the grammar, no number
 * and no date — it cannot change what the edit means.
 */
export function isNoise(f: EditFrame, t: Token): boolean {
  if (t.kind !== "word" || t.lower.length > 14 || t.lower.length < 3) return false;
  // "£1k", "3rd": a word written onto a number belongs to it.
  if (f.a.tokens.some((x) => x.kind === "number" && x.end === t.start)) return false;
  if (NUMBER_WORDS[t.lower] !== undefined) return false;
  if (MEANINGFUL.some((set) => set.has(t.lower))) return false;
  if (f.a.dates.some((d) => d.start <= t.start && t.end <= d.end)) return false;
  // A word the linker tied to the catalog, even loosely ("Brits"), says something.
  if (
    f.a.mentions.some((m) => m.start <= t.start && t.end <= m.end && m.facetId !== "product_word")
  )
    return false;
  if (f.a.mentions.some((m) => m.start <= t.start && t.end <= m.end && (m.exact || m.score >= 1)))
    return false;
  if (f.ctx.retriever.exactLookup(t.lower).length > 0) return false;
  // "doormats": the plural of a word of product names is that word, linked or not.
  const one = singular(t.lower);
  if (one !== t.lower && f.ctx.retriever.wordMatches("product_word", one) > 0) return false;
  // A word the linker read as part of a product name ("teapots", "dolly girl") may be what
  // the edit is about; one it left alone is talk.
  return !f.a.mentions.some(
    (m) => m.facetId === "product_word" && m.start <= t.start && t.end <= m.end,
  );
}

/** Noise tolerated among values before the content counts as a clause. */
const MAX_NOISE = 2;

/**
 * The content of `range` as a list of catalog values when it is only that ("Spain, not
 * Portugal", "the UK ones", "candles and bags too", "chuck Belgium in too"); null when it
 * says more (a clause).
 */
export function valuesOnly(f: EditFrame, range: Span): NamedValue[] | null {
  // A glossary term ("the Midlands", "VIPs") stands for conditions of its own: the request
  // grammar reads it, never as a value.
  if (f.a.mentions.some((m) => m.facetId === GLOSSARY_FACET && inside(m, range))) return null;
  const mentions = f.a.mentions
    .filter((m) => m.value !== undefined && m.start >= range.start && m.end <= range.end)
    .sort((x, y) => x.start - y.start || y.end - x.end);
  const chosen: Mention[] = [];
  for (const m of mentions) {
    if (chosen.some((c) => c.start < m.end && m.start < c.end)) continue;
    // Fuzzy product words are too weak to stand as a value on their own.
    if (m.facetId === "product_word" && !m.exact && m.score < 1) continue;
    // Edit talk that happens to be in some product name ("fine", "one", "too") is not a value.
    if (
      m.facetId === "product_word" &&
      (EDIT_FILLERS.has(m.text.toLowerCase()) ||
        GLUE.has(m.text.toLowerCase()) ||
        /^(fine|either|whatever|works|good|ok|too)$/i.test(m.text))
    )
      continue;
    chosen.push(m);
  }
  if (chosen.length === 0) return null;
  // "food & drink dept", "bags category": the facet's own name beside its values says nothing more.
  const facetNames = f.a.mentions.filter(
    (m) => m.value === undefined && chosen.some((c) => c.facetId === m.facetId),
  );
  const covered = (s: Span) =>
    [...chosen, ...facetNames].some((m) => m.start <= s.start && s.end <= m.end);
  let noise = 0;
  const cueSpans = f.a.cues.map((c) => ({ start: c.start, end: c.stop }));
  for (const t of f.a.tokens) {
    if (t.start < range.start || t.end > range.end || covered(t)) continue;
    if (cueSpans.some((c) => c.start <= t.start && t.end <= c.end)) continue;
    if (t.kind === "symbol" || t.kind === "quote") continue;
    const w = t.lower;
    if (
      GLUE.has(w) ||
      EDIT_FILLERS.has(w) ||
      ANAPHORA.has(w) ||
      POPULATION_WORDS.has(w) ||
      PART_NOUNS.has(w)
    )
      continue;
    if (isNoise(f, t) && ++noise <= MAX_NOISE) continue;
    return null;
  }
  return chosen.map((m) => {
    const before = f.text.slice(range.start, m.start);
    // "hmm no, Italy": a "no" closed off by punctuation answers; it negates nothing.
    const near = tokenize(before).slice(-3);
    const lastWords = near
      .filter((t, i) => !(t.lower === "no" && near[i + 1]?.kind === "symbol"))
      .slice(-2)
      .map((t) => t.lower);
    const negated = lastWords.some(
      (w) =>
        w === "not" ||
        w === "no" ||
        w === "except" ||
        w === "excluding" ||
        w === "minus" ||
        w === "without",
    );
    return { facetId: m.facetId, value: m.value!, mention: m, negated };
  });
}

/** The facet a word names on its own ("country", "spend"), if it names one. */
export function facetNamed(f: EditFrame): (word: string) => string | undefined {
  return (word) => f.ctx.retriever.exactLookup(word).find((h) => h.value === undefined)?.facetId;
}

/** The catalog kind of a facet id ("attribute", "item", …). */
export function facetKind(f: EditFrame, facetId: string): string | undefined {
  return f.ctx.catalog.facets.find((x) => x.id === facetId)?.kind;
}

/** A condition for a named value: the attribute itself, or "bought" it. */
export function conditionForValues(
  f: EditFrame,
  facetId: string,
  values: NamedValue[],
  negate = false,
): Condition {
  const span = {
    start: Math.min(...values.map((v) => v.mention.start)),
    end: Math.max(...values.map((v) => v.mention.end)),
  };
  const provenance = provenanceFor(f, span);
  const vals = [...new Set(values.map((v) => v.value))];
  if (facetKind(f, facetId) === "attribute")
    return {
      type: "attribute",
      facet: facetId,
      op: negate ? "not_in" : "in",
      values: vals,
      provenance,
    };
  const bought: BehaviourCondition = {
    type: "behaviour",
    event: "order",
    item: { facet: facetId, values: vals },
    measure: "exists",
    provenance,
  };
  return bought;
}

/** Leaves that use a facet as an attribute or as one of their item filters. */
export function leavesWithFacet(f: EditFrame, facetId: string): { leaf: Leaf; item?: number }[] {
  const out: { leaf: Leaf; item?: number }[] = [];
  for (const leaf of f.leaves) {
    const c = leaf.condition;
    if (c.type === "attribute" && c.facet === facetId) out.push({ leaf });
    if (c.type === "behaviour")
      itemFiltersOf(c).forEach((it, item) => {
        if (it.facet === facetId) out.push({ leaf, item });
      });
  }
  return out;
}

/** A rule tree holding only these leaves (for describing a candidate). */
export function andOf(nodes: RuleNode[]): RuleNode {
  return nodes.length === 1 ? nodes[0]! : { type: "and", children: nodes };
}
