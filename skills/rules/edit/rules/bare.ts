/** Bare values with no cue ("Germany", "bags and candles"): replace their facet's values, else add. */
import { valuesOnly, type EditRule } from "../frame.ts";
import { mergePlan } from "./merge.ts";

export const bare: EditRule = {
  name: "bare",
  applies: (f) => valuesOnly(f, { start: 0, end: f.text.length }) !== null,
  apply: (f) => mergePlan(f, "none", { start: 0, end: f.text.length }, "bare"),
};
