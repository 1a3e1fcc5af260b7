import { cuesOf, tokenIndexFrom } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** "earlier than 1 May 2011" is before that day; "later than" is after it. */
export const earlierLaterThan: MapRule = {
  name: "earlier-later-than",
  doc: "'earlier than / prior to X' ends at X's start; 'later than X' starts at X's end.",
  applies: (c) => cuesOf(c, "earlier-than").length > 0 || cuesOf(c, "later-than").length > 0,
  apply(c, f) {
    for (const tw of f.tagWindows) {
      const at = tokenIndexFrom(c, tw.tag.start);
      const right = (kind: "earlier-than" | "later-than") =>
        cuesOf(c, kind).some((cue) => cue.last === at - 1);
      const w = tw.window;
      if (right("earlier-than") && w.from) {
        tw.window = { to: w.from, label: `earlier than ${tw.tag.text}` };
      } else if (right("later-than") && w.to) {
        tw.window = { from: w.to, label: `later than ${tw.tag.text}` };
      }
    }
  },
};
