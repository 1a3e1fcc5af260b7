import type { BehaviourCondition } from "../../../../state/segment.ts";
import { hasCue } from "../clause.ts";
import { itemFilter, windowFor } from "../build.ts";
import type { MapRule, Span } from "../types.ts";

/**
 * Plain "bought X": one existence condition per item group, or any order when the clause
 * only has a verb, an inherited frame or a window ("active in 2011", "nothing in December").
 */
export const exists: MapRule = {
  name: "exists",
  doc: "Items, a verb of buying, 'anything' or a window without an aggregate mean: bought (it) then.",
  applies: (c, f) =>
    !f.countQuantities.length &&
    !f.recencyUsed &&
    !f.dateOnly &&
    (f.itemGroups.length > 0 ||
      c.buyVerb ||
      c.cancel ||
      hasCue(c, "any-object") ||
      hasCue(c, "none") ||
      (f.window !== undefined && f.prev !== undefined)),
  apply(c, f) {
    const groups = f.itemGroups.length ? f.itemGroups : [undefined];
    for (const g of groups) {
      const parts: Span[] = [...(g ?? []), ...f.windowParts, ...c.verbs];
      if (parts.length === 0) parts.push(c.seg);
      const condition: BehaviourCondition = {
        type: "behaviour",
        event: f.event,
        ...(g ? itemFilter(g) : {}),
        ...windowFor(f, g),
        measure: "exists",
        provenance: f.scope.provenance(
          parts,
          g && g.every((m) => m.exact) ? "catalog" : "inferred",
          Math.min(f.windowConfidence, ...(g ?? []).map((m) => m.score)),
        ),
      };
      f.behaviour.push(condition);
    }
  },
};
