/** Widen: "include Belgium too", "add Spain as well", "or Italy", "chuck bags in too". */
import { cuesOf } from "../cues.ts";
import { valuesOnly, type EditRule } from "../frame.ts";
import { continuesExclusion, mergePlan } from "./merge.ts";

export const widen: EditRule = {
  name: "widen",
  applies: (f) => cuesOf(f.a.cues, "also").length > 0,
  apply: (f) => {
    const whole = { start: 0, end: f.text.length };
    if (!valuesOnly(f, whole)) return null;
    const cues = cuesOf(f.a.cues, "also");
    // "and bags": items joined by "and" must each be bought, so that one is a new condition.
    const onlyAnd = cues.every((c) => c.text === "and");
    return mergePlan(f, continuesExclusion(f) ? "exclude" : "also", whole, "widen", { onlyAnd });
  },
};
