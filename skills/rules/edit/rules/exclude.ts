/**
 * Exclude: "but not those who bought bags", "exclude anyone from Germany", "leave out people
 * who cancelled", "minus the Germans". Values already in the segment are taken out of their
 * condition; anything else is ANDed in under NOT.
 */
import { cuesOf } from "../cues.ts";
import type { EditRule } from "../frame.ts";
import { contentAfter, mergePlan } from "./merge.ts";

export const exclude: EditRule = {
  name: "exclude",
  applies: (f) => cuesOf(f.a.cues, "exclude").length > 0,
  apply: async (f) => {
    for (const c of cuesOf(f.a.cues, "exclude")) {
      const range = contentAfter(f, c);
      if (range.start >= range.end) continue;
      const planned = await mergePlan(f, "exclude", range, "exclude");
      if (planned) return planned;
    }
    return null;
  },
};
