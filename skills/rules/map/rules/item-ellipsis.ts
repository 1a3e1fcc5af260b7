import { hasCue } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** "bought toys but not in 2011": an elliptical clause with only a window keeps the items. */
export const itemEllipsis: MapRule = {
  name: "item-ellipsis",
  doc: "A clause with only a window (no object, verb, value or quantity) keeps the previous items.",
  applies: (c, f) =>
    f.itemGroups.length === 0 &&
    !hasCue(c, "any-object") &&
    !c.buyVerb &&
    !c.cancel &&
    !c.attrs.length &&
    !f.countQuantities.length &&
    !c.recency.length &&
    f.window !== undefined &&
    f.prev?.items !== undefined,
  apply(_c, f) {
    f.itemGroups = f.prev!.items!;
  },
};
