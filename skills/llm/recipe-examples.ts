/**
 * Few-shot examples made from a tenant's recipes (saved segments found for this request): a
 * saved definition says, for each condition, which words of its request (the provenance span)
 * meant which facet and values — a solved linking example in the tenant's own vocabulary.
 *
 * Only the link skill gets them. Decomposition's answer (parts with their connective, negation
 * and whether they come before the head noun) cannot be read back from a rule tree faithfully,
 * and a made-up example would teach the model the wrong thing; dates and intent likewise.
 */
import {
  facetById,
  measureFacetOf,
  recencyFacet,
  type Facet,
  type TenantCatalog,
} from "../../state/catalog.ts";
import type { Recipe } from "../../state/recipes.ts";
import type { Condition, RuleNode } from "../../state/segment.ts";
import type { Example } from "./examples.ts";

interface Candidate {
  index: number;
  facet: string;
  value?: string;
  label: string;
}

interface Link {
  span: string;
  candidate: number;
}

function conditions(node: RuleNode): Condition[] {
  if (node.type === "and" || node.type === "or") return node.children.flatMap(conditions);
  if (node.type === "not") return conditions(node.child);
  return [node];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The whole words of `text` around the first place one of `words` occurs in it
 * (case-insensitive): "mug" in "who bought mugs" is "mugs", as the user typed it.
 */
export function wordsIn(text: string, words: readonly string[]): string | undefined {
  for (const w of [...words].filter((x) => x.trim() !== "").sort((a, b) => b.length - a.length)) {
    const m = new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}`, "iu").exec(text);
    if (!m) continue;
    let end = m.index + m[0].length;
    while (end < text.length && /[\p{L}\p{N}]/u.test(text[end]!)) end++;
    return text.slice(m.index, end);
  }
  return undefined;
}

function valueLabel(facet: Facet, value: string): { label: string; words: string[] } {
  const v = facet.values?.find((x) => x.value === value);
  if (!v)
    return {
      label: facet.type === "text" ? `"${value}" in the product name` : value,
      words: [value],
    };
  return { label: v.label, words: [v.label, v.value, ...v.synonyms] };
}

const facetWords = (f: Facet) => [
  f.label,
  f.id.replace(/_/g, " "),
  ...f.synonyms,
  ...(f.measure?.units ?? []),
];

/** Links of one condition: the facet and values its span names, each once. */
function linksOf(
  c: Condition,
  catalog: TenantCatalog,
  add: (span: string, cand: Omit<Candidate, "index">) => void,
): void {
  const span = c.provenance.span;
  const values = (facetId: string, vals: readonly string[]) => {
    const facet = facetById(catalog, facetId);
    if (!facet) return;
    for (const value of vals) {
      const { label, words } = valueLabel(facet, value);
      // One value: the whole span means it. Several: only a value whose words appear.
      const at = wordsIn(span, words) ?? (vals.length === 1 ? span : undefined);
      if (at) add(at, { facet: facet.id, value, label });
    }
  };
  if (c.type === "attribute") return values(c.facet, c.values);
  if (c.type === "recency") {
    const facet = recencyFacet(catalog, c.which);
    const at = facet && wordsIn(span, facetWords(facet));
    if (facet && at) add(at, { facet: facet.id, label: facet.label });
    return;
  }
  for (const item of [...(c.item ? [c.item] : []), ...(c.andItems ?? [])])
    values(item.facet, item.values);
  if (c.measure === "exists") return;
  const measure = measureFacetOf(catalog, c.measure, c.event);
  const at = measure && wordsIn(span, facetWords(measure));
  if (measure && at) add(at, { facet: measure.id, label: measure.label });
}

/**
 * A link example from a recipe, in the shipped set's shape (request, candidates, answer), or
 * null when no condition's words can be found in its request. Conditions whose words are not
 * the request's (defaults, glossary expansions, an edit's own text) teach nothing here.
 */
export function linkExample(recipe: Recipe, catalog: TenantCatalog): Example | null {
  const request = recipe.definition.request;
  const candidates: Candidate[] = [];
  const links: Link[] = [];
  const seen = new Map<string, number>();
  const add = (span: string, cand: Omit<Candidate, "index">) => {
    if (!request.toLowerCase().includes(span.toLowerCase())) return;
    const key = `${cand.facet}\u0000${cand.value ?? ""}`;
    let index = seen.get(key);
    if (index === undefined) {
      index = candidates.length;
      seen.set(key, index);
      candidates.push({ index, ...cand });
    }
    if (!links.some((l) => l.candidate === index && l.span === span))
      links.push({ span, candidate: index });
  };
  for (const c of conditions(recipe.definition.root)) {
    const p = c.provenance;
    if (p.source === "default" || p.source === "glossary" || p.version !== undefined) continue;
    linksOf(c, catalog, add);
  }
  if (links.length === 0) return null;
  return { request, candidates, answer: { links, confidence: 0.9, unmapped: [] } };
}
