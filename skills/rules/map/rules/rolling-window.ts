import { NUMBER_WORDS } from "../../lexicon.ts";
import { cuesOf, overlaps } from "../clause.ts";
import { DURATION_UNITS } from "./ago-quantities.ts";
import type { MapRule, Span } from "../types.ts";

/**
 * "twice within a month", "5 orders within any 30 days": a count inside a rolling period is
 * no window back from the as-of date and no aggregate the warehouse computes — a question with
 * readings it can run, never a silent answer. The period's number is not a count.
 */
export const rollingWindow: MapRule = {
  name: "rolling-window",
  doc: "A count 'within any N days' (a rolling period) is asked about, not guessed.",
  applies: (c, f) =>
    f.countQuantities.length > 0 &&
    cuesOf(c, "rolling").some((cue) => !c.dates.some((d) => overlaps(d, cue))),
  apply(c, f) {
    const cue = cuesOf(c, "rolling").find((x) => !c.dates.some((d) => overlaps(d, x)))!;
    // The period: an optional number and a unit right after the cue.
    let k = cue.last + 1;
    let n = 1;
    const num = c.tokens[k];
    if (num && (num.kind === "number" || num.lower in NUMBER_WORDS)) {
      n = num.kind === "number" ? Number(num.lower.replace(/,/g, "")) : NUMBER_WORDS[num.lower]!;
      k++;
    }
    const unit = c.tokens[k];
    if (!unit || !DURATION_UNITS[unit.lower]) return;
    const span: Span = { start: cue.start, end: unit.end };
    f.countQuantities = f.countQuantities.filter((q) => !overlaps(q, span));
    const period = `${n} ${DURATION_UNITS[unit.lower]}${n === 1 ? "" : "s"}`;
    const text = f.scope.text.slice(span.start, span.end);
    f.scope.ambiguities.push({
      key: `rolling:${text.toLowerCase()}`,
      kind: "ambiguous_value",
      span: { text, start: span.start, end: span.end },
      question: `"${text}" is a rolling period, which segments cannot count yet. Which do you mean?`,
      options: [
        { label: `in the last ${period}`, replacement: `in the last ${period}` },
        { label: "at any time", replacement: "" },
      ],
    });
  },
};
