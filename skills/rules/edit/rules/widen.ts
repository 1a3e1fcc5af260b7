/** Widen: "include Belgium too", "add Spain as well", "or Italy", "chuck bags in too". */
import { cuesOf } from "../cues.ts";
import { valuesOnly, type EditRule } from "../frame.ts";
import { continuesExclusion, isInterjection, mergePlan } from "./merge.ts";

/** Cues that can only mean more people ("include", "open it up to", "or"), never a new condition. */
const WIDENING_CUES = new Set([
  "include",
  "including",
  "bring in",
  "let in",
  "open up to",
  "open it up to",
  "expand to",
  "extend to",
  "widen to",
  "or",
]);

export const widen: EditRule = {
  name: "widen",
  applies: (f) => cuesOf(f.a.cues, "also").length > 0,
  apply: (f) => {
    const whole = { start: 0, end: f.text.length };
    if (!valuesOnly(f, whole)) return null;
    const cues = cuesOf(f.a.cues, "also");
    // "and bags": items joined by "and" must each be bought, so that one is a new condition.
    const onlyAnd = cues.every((c) => c.text === "and");
    // "or Italy" widens; "who are gold or platinum" joins two values of one new condition.
    const opening = (c: { start: number }) =>
      f.a.tokens.every((t) => t.start >= c.start || t.kind !== "word" || isInterjection(t.lower));
    const widening = cues.some(
      (c) =>
        WIDENING_CUES.has(c.text.toLowerCase()) && (c.text.toLowerCase() !== "or" || opening(c)),
    );
    return mergePlan(f, continuesExclusion(f) ? "exclude" : "also", whole, "widen", {
      onlyAnd,
      widening,
    });
  },
};
