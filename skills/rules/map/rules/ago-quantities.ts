import { shiftIsoDate, type DateUnit } from "../../dates.ts";
import type { MapRule } from "../types.ts";

export const DURATION_UNITS: Record<string, DateUnit> = {
  day: "day",
  days: "day",
  week: "week",
  weeks: "week",
  month: "month",
  months: "month",
  year: "year",
  years: "year",
};

/** "more than 3 months ago": before the day 3 months before as-of; "less than": after it. */
export const agoQuantities: MapRule = {
  name: "ago-quantities",
  doc: "A compared duration followed by 'ago' is a boundary, not an aggregate.",
  applies: (c) => c.quantities.some((q) => DURATION_UNITS[q.unit[0] ?? ""] && q.unit[1] === "ago"),
  apply(c, f) {
    for (const q of c.quantities) {
      const unit = DURATION_UNITS[q.unit[0] ?? ""];
      if (!unit || q.unit[1] !== "ago") continue;
      f.agoQuantities.push(q);
      f.countQuantities = f.countQuantities.filter((x) => x !== q);
      const boundary = shiftIsoDate(f.scope.ctx.dates.asOf, unit, -q.value);
      const before = q.op === "gt" || q.op === "gte";
      f.windows.push(
        before
          ? { to: boundary, label: q.text + " ago" }
          : { from: boundary, label: q.text + " ago" },
      );
      f.windowParts.push(q);
    }
  },
};
