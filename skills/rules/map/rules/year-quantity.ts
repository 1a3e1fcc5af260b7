import { measureFacets } from "../../../../state/catalog.ts";
import { measureByUnit } from "../measures.ts";
import type { MapRule } from "../types.ts";

const isYear = (n: number) => Number.isInteger(n) && n >= 1900 && n <= 2099;

/**
 * "2011 average order value between £100 and £200", "2024 spend over £1k": a bare year right
 * before a measure's name is the period of that measure, not an amount of it.
 */
export const yearQuantity: MapRule = {
  name: "year-quantity",
  doc: "A bare year followed by a measure's name (not its unit) is that measure's window.",
  applies: (c) =>
    c.quantities.some((q) => q.op === "eq" && !q.currency && isYear(q.value) && q.confidence < 0.9),
  apply(c, f) {
    const facets = measureFacets(f.scope.ctx.catalog);
    for (const q of [...f.countQuantities]) {
      if (q.op !== "eq" || q.currency || !isYear(q.value) || q.confidence >= 0.9) continue;
      // "2011 orders" counts orders: a unit of a measure is not a measure named.
      if (measureByUnit(facets, q.unit)) continue;
      const next = c.tokens[q.tokens[1] + 1];
      const named = [...c.measures, ...c.recency].some((m) => next && m.start === next.start);
      if (!named) continue;
      f.countQuantities = f.countQuantities.filter((x) => x !== q);
      f.windows.push({ from: `${q.value}-01-01`, to: `${q.value + 1}-01-01`, label: q.text });
      f.windowParts.push(q);
    }
  },
};
