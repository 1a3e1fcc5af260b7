/**
 * Bare amount or date ("£200 then", "fewer than 10", "whole of Q2 now", "Nov 2023 pls"): the
 * threshold or the window of the condition it fits, as if "make it …" had been said.
 */
import { isNoise, valuesOnly, type EditFrame, type EditRule } from "../frame.ts";
import { ANAPHORA, EDIT_FILLERS, PART_NOUNS } from "../lexicon.ts";
import { newContent } from "./replacement.ts";
import { retargetWith } from "./retarget.ts";

/** Words that may stand beside a bare amount without saying more ("then", "now", "pls"). */
const BESIDE =
  /^(then|now|pls|please|instead|again|maybe|perhaps|try|whole|all|entire|full|of|in|at|for|the|a|an|ok|okay|hmm|so|and|or|just)$/;

function onlyTalkBesides(f: EditFrame, span: { start: number; end: number }): boolean {
  return f.a.tokens.every(
    (t) =>
      (t.start >= span.start && t.end <= span.end) ||
      t.kind === "symbol" ||
      BESIDE.test(t.lower) ||
      EDIT_FILLERS.has(t.lower) ||
      ANAPHORA.has(t.lower) ||
      PART_NOUNS.has(t.lower) ||
      isNoise(f, t),
  );
}

export const bareAmount: EditRule = {
  name: "bare-amount",
  applies: (f) => {
    const whole = { start: 0, end: f.text.length };
    if (valuesOnly(f, whole)) return false;
    const c = newContent(f, whole);
    if (c?.kind !== "quantity" && c?.kind !== "date") return false;
    return onlyTalkBesides(f, c.kind === "quantity" ? c.quantity : c.date);
  },
  apply: (f) => retargetWith(f, { start: 0, end: f.text.length }, "bare-amount"),
};
