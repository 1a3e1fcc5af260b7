import type { MapRule } from "../types.ts";

/** "Both X and Y" periods: the same conditions again for every further period. */
export const perWindow: MapRule = {
  name: "per-window",
  doc: "Periods that must each hold repeat the clause's behaviour once per period.",
  applies: (_c, f) => f.perWindow.length > 0 && f.behaviour.length > 0,
  apply(_c, f) {
    for (const w of f.perWindow) {
      for (const n of [...f.behaviour]) {
        if (n.type === "behaviour") f.behaviour.push({ ...n, window: w });
      }
    }
  },
};
