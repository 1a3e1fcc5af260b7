/**
 * What an edit points at in the current segment: references typed from the message's tokens
 * (a facet, a value, a window, a threshold, an ordinal, the user's own earlier words), each
 * resolved to the conditions of the rule tree it can mean.
 */
import type { NodePath } from "../../../state/edit.ts";
import { itemFiltersOf, type Condition, type RuleNode } from "../../../state/segment.ts";
import { leavesWithPaths } from "../../../segment/edit-ops.ts";
import type { Mention } from "../../types.ts";
import type { DateTag } from "../dates.ts";
import type { QuantityTag } from "../quantities.ts";
import { LAPSE_WORDS } from "../lexicon.ts";
import { GLOSSARY_FACET } from "../link.ts";
import { singular } from "../text.ts";
import { inside, type Analysis, type Span } from "./analyse.ts";
import {
  ANAPHORA,
  EDIT_FILLERS,
  NEGATION_PART_WORDS,
  ORDINALS,
  PART_NOUNS,
  POPULATION_WORDS,
  WINDOW_WORDS,
} from "./lexicon.ts";

/** Seasons and months said without a year: they name a window by its label. */
const SEASONS =
  /^(spring|summer|autumn|fall|winter|january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)$/;

export interface Leaf {
  /** 1-based position in the order explanations list conditions. */
  index: number;
  path: NodePath;
  condition: Condition;
  negated: boolean;
  /** Path of the nearest NOT above the condition, when it is negated. */
  notPath?: NodePath;
  /** Catalog facets the condition uses (attribute, items, measure, date). */
  facets: string[];
}

export type Reference =
  | ({ kind: "facet"; facetId: string } & Span)
  | ({ kind: "value"; facetId: string; value: string; mention: Mention } & Span)
  | ({ kind: "window"; date?: DateTag } & Span)
  | ({ kind: "quantity"; quantity: QuantityTag } & Span)
  | ({ kind: "ordinal"; n: number } & Span)
  | ({ kind: "negation" } & Span)
  | ({ kind: "words"; words: string[] } & Span);

export interface Target {
  leaf: Leaf;
  /** Which part of the condition the reference names. */
  part: "whole" | "window" | "value" | "threshold";
  /** For `value`: which value, and which item filter of a behavioural condition. */
  value?: { facetId: string; value: string; item?: number };
  reference: Reference;
}

/** The catalog facet of a behavioural condition's measure (and of cancellations). */
export function measureFacet(c: Condition): string | undefined {
  if (c.type !== "behaviour") return undefined;
  if (c.event === "cancellation") return "cancellations";
  return c.measure === "exists" ? undefined : c.measure;
}

function facetsOf(c: Condition): string[] {
  if (c.type === "attribute") return [c.facet];
  if (c.type === "recency") return [c.which === "first" ? "first_purchase" : "last_purchase"];
  const out = itemFiltersOf(c).map((f) => f.facet);
  const m = measureFacet(c);
  if (m) out.push(m);
  if (c.window) out.push("order_date");
  return out;
}

export function leavesOf(root: RuleNode): Leaf[] {
  const nots: NodePath[] = [];
  const walk = (node: RuleNode, path: NodePath) => {
    if (node.type === "not") nots.push(path);
    const kids =
      node.type === "and" || node.type === "or"
        ? node.children
        : node.type === "not"
          ? [node.child]
          : [];
    kids.forEach((k, i) => walk(k, [...path, i]));
  };
  walk(root, []);
  return leavesWithPaths(root).map((l, i) => {
    const notPath = l.negated
      ? nots
          .filter((n) => n.length < l.path.length && n.every((x, k) => l.path[k] === x))
          .sort((a, b) => b.length - a.length)[0]
      : undefined;
    return {
      index: i + 1,
      path: l.path,
      condition: l.condition,
      negated: l.negated,
      ...(notPath ? { notPath } : {}),
      facets: facetsOf(l.condition),
    };
  });
}

const WORD = /^[\p{L}][\p{L}\d'&-]*$/u;

/**
 * References inside `range` of the message, longest and most specific first. `facetNamed`
 * says which facet a single word names ("country"), for words linking left unclaimed.
 */
export function referencesIn(
  a: Analysis,
  range: Span,
  facetNamed: (word: string) => string | undefined = () => undefined,
): Reference[] {
  const refs: Reference[] = [];
  const claimed: Span[] = [];
  const free = (s: Span) => !claimed.some((c) => c.start < s.end && s.start < c.end);
  const claim = (r: Reference) => {
    refs.push(r);
    claimed.push(r);
  };
  // Cue words are structure, never references ("drop" is also a product word).
  for (const c of a.cues) {
    if (c.kind === "unrestricted") continue;
    claimed.push({ start: c.start, end: c.stop });
  }
  const toks = a.tokens.filter((t) => inside(t, range));
  // "the second condition", "condition 2", "the last one".
  toks.forEach((t, k) => {
    const n = ORDINALS[t.lower];
    const next = toks[k + 1]?.lower;
    if (n !== undefined && next && (PART_NOUNS.has(next) || next === "one"))
      claim({ kind: "ordinal", n, start: t.start, end: toks[k + 1]!.end });
    const num = toks[k + 1];
    if (PART_NOUNS.has(t.lower) && num && /^#?\d+$/.test(num.text) && free(num))
      claim({
        kind: "ordinal",
        n: Number(num.text.replace("#", "")),
        start: t.start,
        end: num.end,
      });
  });
  for (const d of a.dates)
    if (inside(d, range) && free(d)) claim({ kind: "window", date: d, start: d.start, end: d.end });
  // Words about a condition's dates or parts are references of their own, before any product
  // whose name happens to hold them ("the time limit", "the band", "summer").
  for (const t of toks) {
    if (!free(t)) continue;
    if (WINDOW_WORDS.has(t.lower) || SEASONS.test(t.lower)) {
      const label = SEASONS.test(t.lower) ? t.lower : undefined;
      claim(
        label
          ? { kind: "words", words: [singular(label)], start: t.start, end: t.end }
          : { kind: "window", start: t.start, end: t.end },
      );
    } else if (PART_NOUNS.has(t.lower)) claimed.push({ start: t.start, end: t.end });
  }
  for (const q of a.quantities)
    if (inside(q, range) && free(q))
      claim({ kind: "quantity", quantity: q, start: q.start, end: q.end });
  const mentions = [...a.mentions]
    .filter((m) => inside(m, range))
    .sort((x, y) => y.end - y.start - (x.end - x.start) || y.score - x.score);
  for (const m of mentions) {
    if (!free(m)) continue;
    // A loose product-name word is not how people point at a condition; a glossary term is
    // found by the words of the conditions it became.
    if (m.facetId === "product_word" && !m.exact && m.score < 1) continue;
    if (m.facetId === GLOSSARY_FACET) continue;
    if (m.value !== undefined)
      claim({
        kind: "value",
        facetId: m.facetId,
        value: m.value,
        mention: m,
        start: m.start,
        end: m.end,
      });
    else if (m.facetId === "order_date") claim({ kind: "window", start: m.start, end: m.end });
    else claim({ kind: "facet", facetId: m.facetId, start: m.start, end: m.end });
  }
  const residual: { text: string; start: number; end: number }[] = [];
  for (const t of toks) {
    if (!free(t) || t.kind !== "word" || !WORD.test(t.text)) continue;
    const facet = facetNamed(t.lower);
    if (WINDOW_WORDS.has(t.lower) || facet === "order_date")
      claim({ kind: "window", start: t.start, end: t.end });
    else if (LAPSE_WORDS.has(t.lower) || /^(recency|lapse|lapsing|inactivity)$/.test(t.lower))
      // "the lapsed condition": the last-purchase condition.
      claim({ kind: "facet", facetId: "last_purchase", start: t.start, end: t.end });
    else if (facet) claim({ kind: "facet", facetId: facet, start: t.start, end: t.end });
    else if (NEGATION_PART_WORDS.has(t.lower) && t.lower !== "not" && t.lower !== "never")
      claim({ kind: "negation", start: t.start, end: t.end });
    else if (
      !EDIT_FILLERS.has(t.lower) &&
      !PART_NOUNS.has(t.lower) &&
      !ANAPHORA.has(t.lower) &&
      !POPULATION_WORDS.has(t.lower) &&
      t.lower.length > 1
    )
      residual.push(t);
  }
  if (residual.length) {
    claim({
      kind: "words",
      words: residual.map((t) => singular(t.text.toLowerCase())),
      start: residual[0]!.start,
      end: residual[residual.length - 1]!.end,
    });
  }
  return refs.sort((x, y) => x.start - y.start);
}

function sameWindow(c: Condition, d: DateTag): boolean {
  const w = c.type === "attribute" ? undefined : c.window;
  return !!w && w.from === d.from && w.to === d.to;
}

function overlapsWindow(c: Condition, d: DateTag): boolean {
  const w = c.type === "attribute" ? undefined : c.window;
  if (!w) return false;
  const from = d.from ?? "0000-01-01";
  const to = d.to ?? "9999-12-31";
  return (w.from ?? "0000-01-01") < to && from < (w.to ?? "9999-12-31");
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\d]+/u)
    .filter(Boolean)
    .map(singular);
}

/** The conditions a reference can mean, with the part of each it names. */
export function resolve(ref: Reference, leaves: Leaf[]): Target[] {
  switch (ref.kind) {
    case "ordinal": {
      const leaf = ref.n === -1 ? leaves[leaves.length - 1] : leaves[ref.n - 1];
      return leaf ? [{ leaf, part: "whole", reference: ref }] : [];
    }
    case "negation":
      return leaves
        .filter((l) => l.negated)
        .map((leaf) => ({ leaf, part: "whole", reference: ref }));
    case "facet":
      return leaves
        .filter((l) => l.facets.includes(ref.facetId))
        .map((leaf) => ({
          leaf,
          part: ref.facetId === measureFacet(leaf.condition) ? "threshold" : "whole",
          reference: ref,
        }));
    case "value": {
      const out: Target[] = [];
      for (const leaf of leaves) {
        const c = leaf.condition;
        if (c.type === "attribute" && c.facet === ref.facetId && c.values.includes(ref.value))
          out.push({
            leaf,
            part: "value",
            value: { facetId: c.facet, value: ref.value },
            reference: ref,
          });
        if (c.type === "behaviour")
          itemFiltersOf(c).forEach((f, item) => {
            if (f.facet === ref.facetId && f.values.includes(ref.value))
              out.push({
                leaf,
                part: "value",
                value: { facetId: f.facet, value: ref.value, item },
                reference: ref,
              });
          });
      }
      return out;
    }
    case "window": {
      const dated = leaves.filter((l) => l.condition.type !== "attribute" && l.condition.window);
      if (!ref.date) return dated.map((leaf) => ({ leaf, part: "window", reference: ref }));
      const exact = dated.filter((l) => sameWindow(l.condition, ref.date!));
      const near = exact.length
        ? exact
        : dated.filter((l) => overlapsWindow(l.condition, ref.date!));
      return near.map((leaf) => ({ leaf, part: "window", reference: ref }));
    }
    case "quantity": {
      const q = ref.quantity;
      return leaves
        .filter((l) => {
          const c = l.condition;
          if (c.type !== "behaviour" || !c.comparison) return false;
          const vals = [c.comparison.value, c.comparison.value2].filter((v) => v !== undefined);
          return vals.includes(q.value) || (q.value2 !== undefined && vals.includes(q.value2));
        })
        .map((leaf) => ({ leaf, part: "threshold", reference: ref }));
    }
    case "words": {
      const out: Target[] = [];
      for (const leaf of leaves) {
        const c = leaf.condition;
        // "spring rather than summer": the words of a window's own label name the window.
        const label = c.type !== "attribute" && c.window ? new Set(wordsOf(c.window.label)) : null;
        if (label && ref.words.every((w) => label.has(w))) {
          out.push({ leaf, part: "window", reference: ref });
          continue;
        }
        const own = new Set(wordsOf(c.provenance.span));
        if (ref.words.every((w) => own.has(w))) out.push({ leaf, part: "whole", reference: ref });
      }
      return out;
    }
  }
}

/** Targets of every reference; a reference that matches nothing is reported as missing. */
export function resolveAll(
  refs: Reference[],
  leaves: Leaf[],
): { targets: Target[]; missing: Reference[] } {
  const targets: Target[] = [];
  const missing: Reference[] = [];
  for (const r of refs) {
    const found = resolve(r, leaves);
    if (found.length) targets.push(...found);
    else missing.push(r);
  }
  return { targets, missing };
}
