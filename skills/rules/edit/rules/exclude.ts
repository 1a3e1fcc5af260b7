/**
 * Exclude: "but not those who bought bags", "exclude anyone from Germany", "leave out people
 * who cancelled", "minus the Germans". Values already in the segment are taken out of their
 * condition; anything else is ANDed in under NOT.
 */
import { cuesOf, type Cue } from "../cues.ts";
import type { EditFrame, EditRule } from "../frame.ts";
import { contentAfter, mergePlan } from "./merge.ts";
import { excludesPeople, peopleFirst, trailingVerdict } from "./remove.ts";

/** Exclusion cues, and removal verbs whose object is people ("skip anyone who…"). */
function exclusionCues(f: EditFrame): Cue[] {
  const people = cuesOf(f.a.cues, "remove").filter((c) => excludesPeople(f, c));
  return [...cuesOf(f.a.cues, "exclude"), ...people].sort((a, b) => a.start - b.start);
}

/** "anyone who bought Dyson - out", "people in Wales can go": people first, the verdict last. */
function verdictLast(f: EditFrame): Cue | undefined {
  const verdict = trailingVerdict(f);
  return verdict && peopleFirst(f) ? verdict : undefined;
}

export const exclude: EditRule = {
  name: "exclude",
  applies: (f) => exclusionCues(f).length > 0 || verdictLast(f) !== undefined,
  apply: async (f) => {
    for (const c of exclusionCues(f)) {
      const range = contentAfter(f, c);
      if (range.start >= range.end) continue;
      const planned = await mergePlan(f, "exclude", range, "exclude");
      if (planned) return planned;
    }
    const verdict = verdictLast(f);
    if (verdict) return mergePlan(f, "exclude", { start: 0, end: verdict.start }, "exclude");
    return null;
  },
};
