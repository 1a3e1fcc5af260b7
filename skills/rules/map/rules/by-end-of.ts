import { cuesOf, tokenIndexFrom } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** "by the end of February 2011": anything up to the end of that period. */
export const byEndOf: MapRule = {
  name: "by-end-of",
  doc: "'by the end of X' is everything before X ends.",
  applies: (c) => cuesOf(c, "by").length > 0 && cuesOf(c, "end-of").length > 0,
  apply(c, f) {
    for (const tw of f.tagWindows) {
      const at = tokenIndexFrom(c, tw.tag.start);
      const by = cuesOf(c, "by").some((cue) => cue.last === at - 1);
      const endOf = cuesOf(c, "end-of").some((cue) => cue.first === at);
      if (tw.window.to && by && endOf) tw.window = { to: tw.window.to, label: `by ${tw.tag.text}` };
    }
  },
};
