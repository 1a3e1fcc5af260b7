import type { MapRule } from "../types.ts";
import { windowOf } from "../windows.ts";

/** Every date tag of the clause is a candidate window ("in Q4 2011", "since June"). */
export const dateWindows: MapRule = {
  name: "date-windows",
  doc: "Each date tag of the clause proposes its window.",
  applies: (c) => c.dates.length > 0,
  apply(c, f) {
    for (const tag of c.dates) {
      const window = windowOf(tag);
      if (window) f.tagWindows.push({ tag, window });
    }
  },
};
