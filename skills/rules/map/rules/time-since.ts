import { shiftIsoDate } from "../../dates.ts";
import { facetById } from "../../../../state/catalog.ts";
import type { DateWindow, RecencyCondition } from "../../../../state/segment.ts";
import { DURATION_UNITS } from "./ago-quantities.ts";
import type { Clause, MapRule } from "../types.ts";

/** The "days since" right before a first/last purchase mention, with its unit. */
function timeSince(c: Clause) {
  for (const m of c.recency) {
    const at = c.tokens.findIndex((t) => t.start === m.start);
    const since = c.tokens[at - 1];
    const unit = c.tokens[at - 2];
    if (since?.lower === "since" && unit && DURATION_UNITS[unit.lower])
      return { mention: m, unit: DURATION_UNITS[unit.lower]!, start: unit.start };
  }
  return undefined;
}

/**
 * "days since last order > 180", "weeks since first purchase under 8": the time since a
 * customer's first or last order compared to N is that order before (or after) the day N
 * before as-of. Both ends of "between" are included.
 */
export const timeSinceMeasure: MapRule = {
  name: "time-since",
  doc: "'days since last order' compared to N is a last-purchase window N days back.",
  applies: (c, f) => f.countQuantities.length === 1 && timeSince(c) !== undefined,
  apply(c, f) {
    const found = timeSince(c)!;
    const q = f.countQuantities[0]!;
    const asOf = f.scope.ctx.dates.asOf;
    const back = (n: number) => shiftIsoDate(asOf, found.unit, -n);
    const next = (iso: string) => shiftIsoDate(iso, "day", 1);
    let window: Omit<DateWindow, "label">;
    switch (q.op) {
      case "gt":
        window = { to: back(q.value) };
        break;
      case "gte":
        window = { to: next(back(q.value)) };
        break;
      case "lt":
        window = { from: next(back(q.value)) };
        break;
      case "lte":
        window = { from: back(q.value) };
        break;
      case "eq":
        window = { from: back(q.value), to: next(back(q.value)) };
        break;
      case "between":
        window = { from: back(q.value2 ?? q.value), to: next(back(q.value)) };
        break;
    }
    const facet = facetById(f.scope.ctx.catalog, found.mention.facetId);
    const condition: RecencyCondition = {
      type: "recency",
      which: facet?.recency?.which ?? "last",
      window: { ...window, label: `${found.unit}s since ${found.mention.text} ${q.text}` },
      provenance: f.scope.provenance(
        [{ start: found.start, end: found.mention.end }, q],
        "inferred",
        Math.min(0.9, q.confidence),
      ),
    };
    f.countQuantities = [];
    f.recencyUsed = true;
    f.behaviour.push(condition);
  },
};
