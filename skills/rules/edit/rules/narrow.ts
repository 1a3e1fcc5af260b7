/** Narrow: "only Spain, not Portugal", "just the UK ones", "limit it to gold members". */
import { cue, type EditRule } from "../frame.ts";
import { valuesOnly } from "../frame.ts";
import { contentAfter, mergePlan } from "./merge.ts";
import { newContent } from "./replacement.ts";
import { periodOfWindow, retargetWith } from "./retarget.ts";

export const narrow: EditRule = {
  name: "narrow",
  applies: (f) => cue(f, "only") !== undefined,
  apply: async (f) => {
    const range = contentAfter(f, cue(f, "only"));
    const whole = { start: 0, end: f.text.length };
    // "UK only": the values may come before the cue.
    const values = valuesOnly(f, range) ? range : valuesOnly(f, whole) ? whole : null;
    // "narrow it to Q4", "just the first half of it": the window of the dated condition.
    if (!values) {
      if (newContent(f, range)?.kind === "date" || (await periodOfWindow(f, range)))
        return retargetWith(f, range, "narrow");
      return null;
    }
    return mergePlan(f, "only", values, "narrow");
  },
};
