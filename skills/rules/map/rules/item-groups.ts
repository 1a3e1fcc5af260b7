import type { Mention } from "../../../types.ts";
import { adjacent, coordination } from "../clause.ts";
import type { MapRule } from "../types.ts";

/**
 * Items joined by "or" share one condition; "and"/"both" need each bought. Different facets
 * side by side ("Nike trainers", "red retrospot bags") are one line that is both.
 */
export const itemGroups: MapRule = {
  name: "item-groups",
  doc: "Items of one facet joined by 'or' are alternatives; adjacent items of different facets filter one line.",
  applies: (c) => c.items.length > 0,
  apply(c, f) {
    const groups: Mention[][] = [];
    for (const m of c.items) {
      const last = groups[groups.length - 1];
      const prevItem = last?.[last.length - 1];
      // Items dated differently ("Easter items in April or garden products in May") stay apart.
      const sameDate =
        !f.itemWindows || !prevItem || f.itemWindows.get(prevItem) === f.itemWindows.get(m);
      if (
        last &&
        prevItem &&
        sameDate &&
        prevItem.facetId === m.facetId &&
        coordination(c, prevItem, m) === "or"
      )
        last.push(m);
      else if (
        last &&
        prevItem &&
        prevItem.facetId !== m.facetId &&
        adjacent(c, prevItem, m) &&
        !last.some((x) => x.facetId === m.facetId)
      )
        last.push(m);
      else groups.push([m]);
    }
    f.itemGroups = groups;
  },
};
