import type { AttributeCondition, Comparison } from "../../../../state/segment.ts";
import type { Facet } from "../../../../state/catalog.ts";
import type { Mention } from "../../../types.ts";
import type { QuantityTag } from "../../quantities.ts";
import { singular } from "../../text.ts";
import type { Clause, ClauseFrame, MapRule } from "../types.ts";

type Banded = Facet & { values: NonNullable<Facet["values"]> };

const COORDINATORS = new Set(["or", "and", ",", "&", "/"]);

const banded = new WeakMap<object, Banded[]>();

/** The catalog's attribute facets whose values are bands, found once per catalog. */
function bandedFacets(f: ClauseFrame): Banded[] {
  const catalog = f.scope.ctx.catalog;
  let out = banded.get(catalog);
  if (!out) {
    out = catalog.facets.filter(
      (x): x is Banded => x.kind === "attribute" && (x.values ?? []).some((v) => v.range),
    );
    banded.set(catalog, out);
  }
  return out;
}

/** The banded facet a quantity is about: named right before it ("aged 55+"), or its unit ("55s"). */
function facetOf(
  q: QuantityTag,
  c: Clause,
  facets: Banded[],
): { facet: Banded; unit: boolean; joined?: Mention } | undefined {
  const named = c.mentions.find(
    (m) =>
      m.value === undefined &&
      m.end <= q.start &&
      facets.some((f) => f.id === m.facetId) &&
      !c.tokens.some((t) => t.start >= m.end && t.end <= q.start),
  );
  if (named) return { facet: facets.find((f) => f.id === named.facetId)!, unit: false };
  // "aged 25-34 or 35-44": a bare band coordinated with a value of the facet.
  const joined = c.mentions.find((m) => {
    if (m.value === undefined || m.end > q.start || !facets.some((f) => f.id === m.facetId))
      return false;
    const between = c.tokens.filter((t) => t.start >= m.end && t.end <= q.start);
    return between.length > 0 && between.every((t) => COORDINATORS.has(t.lower));
  });
  if (joined) return { facet: facets.find((f) => f.id === joined.facetId)!, unit: false, joined };
  for (const facet of facets) {
    for (const u of facet.bandUnits ?? []) {
      const words = u.toLowerCase().split(/\s+/);
      if (words.every((w, i) => singular(q.unit[i] ?? "") === singular(w)))
        return { facet, unit: true };
    }
  }
  return undefined;
}

/** The interval a comparison asks for; "over 55s" (a unit in the plural) includes 55. */
function interval(c: Comparison, plural: boolean): [number, number] {
  const e = 1e-9;
  switch (c.op) {
    case "gt":
      return [plural ? c.value : c.value + e, Infinity];
    case "gte":
      return [c.value, Infinity];
    case "lt":
      return [-Infinity, c.value - e];
    case "lte":
      return [-Infinity, c.value];
    case "eq":
      return [c.value, c.value];
    case "between":
      return [c.value, c.value2 ?? c.value];
  }
}

/**
 * "over 55s", "aged 55 and over", "age band 18-24", "under 25 year olds": a number on a banded
 * facet's scale selects the values whose band lies inside it (a single number: the band that
 * holds it); a range that cuts a band in two is a question.
 */
export const numericBands: MapRule = {
  name: "numeric-bands",
  doc: "A number on a banded facet's scale (ages) selects the bands inside it, or asks.",
  applies: (c, f) => f.countQuantities.length > 0 && bandedFacets(f).length > 0,
  apply(c, f) {
    const facets = bandedFacets(f);
    for (const q of [...f.countQuantities]) {
      if (q.currency) continue;
      const found = facetOf(q, c, facets);
      if (!found) continue;
      const { facet } = found;
      const comparison: Comparison = {
        op: q.op,
        value: q.value,
        ...(q.value2 !== undefined ? { value2: q.value2 } : {}),
      };
      const [lo, hi] = interval(comparison, found.unit && q.unit[0] === "s");
      const bands = facet.values.filter((v) => v.range);
      const min = (v: (typeof bands)[number]) => v.range!.min ?? -Infinity;
      const max = (v: (typeof bands)[number]) => v.range!.max ?? Infinity;
      const inside = bands.filter((v) => min(v) >= lo && max(v) <= hi);
      const holding = lo === hi ? bands.filter((v) => min(v) <= lo && lo <= max(v)) : [];
      const chosen = inside.length ? inside : holding;
      f.countQuantities = f.countQuantities.filter((x) => x !== q);
      if (chosen.length === 0) {
        const touching = bands.filter((v) => min(v) <= hi && max(v) >= lo);
        f.scope.ambiguities.push({
          key: `band:${facet.id}:${q.text.toLowerCase()}`,
          kind: "ambiguous_value",
          span: { text: q.text, start: q.start, end: q.end },
          question: `${facet.label} comes in bands; "${q.text}" splits one. Which bands do you mean?`,
          options: touching.map((v) => ({ label: v.label, replacement: v.label })),
        });
        continue;
      }
      // Coordinated with a value of the facet: the same condition, one more value.
      if (found.joined) {
        const own = f.valueExpansions.get(found.joined) ?? [found.joined.value!];
        f.valueExpansions.set(found.joined, [...own, ...chosen.map((v) => v.value)]);
        continue;
      }
      const condition: AttributeCondition = {
        type: "attribute",
        facet: facet.id,
        op: "in",
        values: chosen.map((v) => v.value),
        provenance: f.scope.provenance([q], "inferred", Math.min(0.9, q.confidence)),
      };
      f.nodes.push(condition);
    }
  },
};
