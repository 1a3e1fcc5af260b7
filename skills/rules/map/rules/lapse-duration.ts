import { shiftIsoDate } from "../../dates.ts";
import { LAPSE_WORDS } from "../../lexicon.ts";
import type { QuantityTag } from "../../quantities.ts";
import type { Token } from "../../text.ts";
import type { RecencyCondition } from "../../../../state/segment.ts";
import { DURATION_UNITS } from "./ago-quantities.ts";
import type { Clause, ClauseFrame, MapRule } from "../types.ts";

/** A lapse word ("lapsed", "dormant") within three tokens of a duration quantity. */
function lapse(c: Clause, f: ClauseFrame): { word: Token; q: QuantityTag } | undefined {
  for (const q of f.countQuantities) {
    if (!DURATION_UNITS[q.unit[0] ?? ""] || q.unit[1] === "ago") continue;
    if (q.op !== "gt" && q.op !== "gte" && q.op !== "eq") continue;
    const word = c.tokens.find(
      (t) =>
        LAPSE_WORDS.has(t.lower) &&
        (t.end <= q.start ? q.start - t.end : t.start - q.end) <= 20 &&
        Math.abs(c.allTokens.indexOf(t) - q.tokens[0]) <= 4,
    );
    if (word) return { word, q };
  }
  return undefined;
}

/**
 * "lapsed 90+ days", "dormant for over 6 months", "120 days inactive": a lapse word with a
 * duration is a last purchase before the day that long before as-of (the customer has orders,
 * none since), as "no order in the last N days" is.
 */
export const lapseDuration: MapRule = {
  name: "lapse-duration",
  doc: "A lapse word with a duration ('lapsed 90+ days') is a last purchase before as-of minus it.",
  applies: (c, f) => lapse(c, f) !== undefined,
  apply(c, f) {
    const { word, q } = lapse(c, f)!;
    const unit = DURATION_UNITS[q.unit[0]!]!;
    const to = shiftIsoDate(f.scope.ctx.dates.asOf, unit, -q.value);
    const condition: RecencyCondition = {
      type: "recency",
      which: "last",
      window: {
        to,
        label: f.scope.text.slice(Math.min(word.start, q.start), Math.max(word.end, q.end)),
      },
      provenance: f.scope.provenance([word, q], "inferred", Math.min(0.85, q.confidence)),
    };
    f.countQuantities = f.countQuantities.filter((x) => x !== q);
    f.claimed.push(word);
    f.recencyUsed = true;
    f.behaviour.push(condition);
  },
};
