/**
 * Which aggregate a quantity compares, from the tenant's catalog: the words after the number
 * that a measure facet lists as its units ("5 orders", "3 distinct products"), a measure that
 * wins when named ("average order value below £100"), the currency's default measure ("over
 * £500"), the measure named nearest the number, or a one-word name of the currency's measure
 * ("spent").
 */
import {
  measureFacets,
  storedMeasure,
  type Facet,
  type MeasureSpec,
} from "../../../state/catalog.ts";
import { COUNT_QUALIFIERS, ORDER_ADJECTIVES } from "../lexicon.ts";
import type { QuantityTag } from "../quantities.ts";
import { singular } from "../text.ts";
import type { Clause, MapScope } from "./types.ts";

type MeasureFacet = Facet & { measure: MeasureSpec };

export interface ResolvedMeasure {
  measure: string;
  event: "order" | "cancellation";
  fromCatalog: boolean;
  confidence: number;
  facet: MeasureFacet;
}

/** Length of the longest unit phrase of the facet that starts `words` (0: none). */
function unitMatch(f: MeasureFacet, words: string[]): number {
  let best = 0;
  for (const unit of f.measure.units ?? []) {
    const parts = unit.toLowerCase().split(/\s+/);
    if (parts.length > words.length || parts.length <= best) continue;
    if (parts.every((p, i) => singular(p) === singular(words[i]!))) best = parts.length;
  }
  return best;
}

/** The measure the words after a number name: "5 separate orders" is still orders. */
export function measureByUnit(facets: MeasureFacet[], words: string[]): MeasureFacet | undefined {
  let best: { f: MeasureFacet; n: number } | undefined;
  const consider = (f: MeasureFacet, n: number) => {
    if (n > 0 && (!best || n > best.n)) best = { f, n };
  };
  for (const f of facets) consider(f, unitMatch(f, words));
  if (words[0] && COUNT_QUALIFIERS.has(words[0])) {
    for (const f of facets) {
      const n = unitMatch(f, words.slice(1));
      if (n > 0) consider(f, n + 1);
    }
  }
  return best?.f;
}

/**
 * "3+ online orders", "zero completed orders": the unit after words that only qualify it —
 * catalog values (the orders' channel) and grammar words — skipped, up to two of them.
 */
function measureAfterModifiers(
  q: QuantityTag,
  c: Clause,
  facets: MeasureFacet[],
): MeasureFacet | undefined {
  if (q.currency) return undefined;
  const first = q.tokens[1] + 1;
  for (let k = 1; k <= 2 && k < q.unit.length; k++) {
    const skipped = c.tokens.slice(first, first + k);
    const qualifies = (t: (typeof skipped)[number]) =>
      ORDER_ADJECTIVES.has(t.lower) ||
      c.mentions.some((m) => m.value !== undefined && m.start <= t.start && t.end <= m.end);
    if (skipped.length < k || !skipped.every(qualifies)) return undefined;
    const f = measureByUnit(facets, q.unit.slice(k));
    if (f) return f;
  }
  return undefined;
}

interface MeasureIndex {
  facets: MeasureFacet[];
  byId: Map<string, MeasureFacet>;
  /** One-word names of measures, lower case. */
  words: Map<string, MeasureFacet>;
}

const indexes = new WeakMap<object, MeasureIndex>();

/** The catalog's measures, indexed once per catalog. */
function measureIndex(catalog: Parameters<typeof measureFacets>[0]): MeasureIndex {
  let index = indexes.get(catalog);
  if (!index) {
    const facets = measureFacets(catalog);
    const words = new Map<string, MeasureFacet>();
    for (const f of facets)
      for (const w of f.synonyms)
        if (!/\s/.test(w) && !words.has(w.toLowerCase())) words.set(w.toLowerCase(), f);
    index = { facets, byId: new Map(facets.map((f) => [f.id, f])), words };
    indexes.set(catalog, index);
  }
  return index;
}

export function measureFor(
  q: QuantityTag,
  c: Clause,
  scope: MapScope,
): ResolvedMeasure | undefined {
  const { facets, byId, words } = measureIndex(scope.ctx.catalog);
  const resolved = (f: MeasureFacet, fromCatalog: boolean, confidence: number) => {
    const stored = storedMeasure(f);
    return {
      measure: stored.measure,
      event: c.cancel ? ("cancellation" as const) : stored.event,
      fromCatalog,
      confidence,
      facet: f,
    };
  };
  const unit = measureByUnit(facets, q.unit) ?? measureAfterModifiers(q, c, facets);
  if (unit) return resolved(unit, true, 1);
  const named = c.measures.map((m) => byId.get(m.facetId)).filter((f) => f !== undefined);
  const wins = named.find((f) => f.measure.namedWins);
  if (wins) return resolved(wins, true, 1);
  // The closest measure named before or after the number decides ("spent over £500").
  const nearest = [...c.measures]
    .filter((m) => byId.has(m.facetId))
    .sort((a, b) => Math.abs(a.start - q.start) - Math.abs(b.start - q.start))[0];
  const money = facets.find((f) => f.measure.currencyDefault);
  if (q.currency && money) return resolved(money, nearest?.facetId === money.id, 1);
  if (nearest) return resolved(byId.get(nearest.facetId)!, true, 0.9);
  // "spent 500", "number of items … between 500 and 1,000": a one-word name of a measure,
  // too weak to link on its own, nearest the number.
  const word = c.tokens
    .filter((t) => words.has(t.lower) && !(t.start >= q.start && t.end <= q.end))
    .sort((a, b) => Math.abs(a.start - q.start) - Math.abs(b.start - q.start))[0];
  if (word) return resolved(words.get(word.lower)!, false, 0.8);
  return undefined;
}
