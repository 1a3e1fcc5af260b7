import { hasCue } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** A clause that is only a date ("YTD", "in 2011"): it dates the clause before (or after) it. */
export const dateOnly: MapRule = {
  name: "date-only",
  doc: "A clause with a window and nothing else dates its neighbour instead of standing alone.",
  applies: (c, f) =>
    f.window !== undefined &&
    !f.countQuantities.length &&
    !f.recencyUsed &&
    !c.negated &&
    f.itemGroups.length === 0 &&
    !c.buyVerb &&
    !c.cancel &&
    !hasCue(c, "any-object") &&
    !hasCue(c, "none") &&
    !c.attrs.length &&
    !c.terms.length &&
    !c.recency.length &&
    !c.measures.length,
  apply(_c, f) {
    f.dateOnly = { window: f.window!, parts: f.windowParts, confidence: f.windowConfidence };
  },
};
