import { hasCue } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** "...but spent under £50 on them": the items of the clause before. */
export const itemAnaphor: MapRule = {
  name: "item-anaphor",
  doc: "'on them', 'of those items' refer to the previous clause's items.",
  applies: (c, f) =>
    f.itemGroups.length === 0 && hasCue(c, "item-anaphor") && f.prev?.items !== undefined,
  apply(_c, f) {
    f.itemGroups = f.prev!.items!;
  },
};
