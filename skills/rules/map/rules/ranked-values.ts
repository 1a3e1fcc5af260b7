import { facetById } from "../../../../state/catalog.ts";
import { cuesOf } from "../clause.ts";
import type { MapRule } from "../types.ts";

/**
 * "Silver tier and above", "gold or higher", "bronze and below": a value of an ordered facet
 * with "and above"/"and below" after it stands for every value ranked at or past it.
 */
export const rankedValues: MapRule = {
  name: "ranked-values",
  doc: "An ordered facet's value followed by 'and above' / 'and below' covers the values past it.",
  applies: (c) =>
    c.attrs.length > 0 && (cuesOf(c, "and-above").length > 0 || cuesOf(c, "and-below").length > 0),
  apply(c, f) {
    for (const m of c.attrs) {
      const facet = facetById(f.scope.ctx.catalog, m.facetId);
      const rank = facet?.values?.find((v) => v.value === m.value)?.rank;
      if (!facet || rank === undefined) continue;
      const next = c.tokens.findIndex((t) => t.start >= m.end);
      const cue = (kind: "and-above" | "and-below") =>
        cuesOf(c, kind).some((x) => x.first === next);
      const above = cue("and-above");
      if (!above && !cue("and-below")) continue;
      const values = (facet.values ?? [])
        .filter((v) => v.rank !== undefined && (above ? v.rank >= rank : v.rank <= rank))
        .map((v) => v.value);
      f.valueExpansions.set(m, values);
    }
  },
};
