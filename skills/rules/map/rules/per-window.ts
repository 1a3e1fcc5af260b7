import type { RuleNode } from "../../../../state/segment.ts";
import type { MapRule } from "../types.ts";

/**
 * "Both X and Y", "each of X, Y and Z": the same conditions again for every further period;
 * "X or Y" (apart): each condition in any of the periods.
 */
export const perWindow: MapRule = {
  name: "per-window",
  doc: "Periods that must each hold repeat the clause's behaviour per period; 'or' periods are alternatives.",
  applies: (_c, f) => f.perWindow.length > 0 && f.behaviour.length > 0,
  apply(_c, f) {
    if (f.perWindowJoin === "or") {
      f.behaviour = f.behaviour.map((n): RuleNode =>
        n.type === "behaviour"
          ? { type: "or", children: [n, ...f.perWindow.map((w) => ({ ...n, window: w }))] }
          : n,
      );
      return;
    }
    for (const w of f.perWindow) {
      for (const n of [...f.behaviour]) {
        if (n.type === "behaviour") f.behaviour.push({ ...n, window: w });
      }
    }
  },
};
