import type { DateWindow } from "../../../../state/segment.ts";
import type { QuantityTag } from "../../quantities.ts";
import { cuesOf } from "../clause.ts";
import type { MapRule, Span } from "../types.ts";

interface Marker extends Span {
  window: DateWindow | null;
}

/**
 * "3 orders in the last 180 days and £200 in the last 60 days", "lifetime AOV over £300 and
 * at least one order in Q4 2011": when every compared quantity of a clause has a time of its
 * own — a date or "lifetime" in its stretch of the clause — each keeps its own.
 */
export const quantityDates: MapRule = {
  name: "quantity-dates",
  doc: "Several quantities each with their own date (or 'lifetime') keep apart windows.",
  applies: (c, f) =>
    f.countQuantities.length >= 2 &&
    f.agoQuantities.length === 0 &&
    c.dates.length + cuesOf(c, "lifetime").length >= 2,
  apply(c, f) {
    const markers: Marker[] = [
      ...f.tagWindows.map(({ tag, window }) => ({ start: tag.start, end: tag.end, window })),
      ...cuesOf(c, "lifetime").map((cue) => ({ start: cue.start, end: cue.end, window: null })),
    ];
    if (markers.length !== f.countQuantities.length) return;
    const qs = [...f.countQuantities].sort((a, b) => a.start - b.start);
    const pairs = new Map<QuantityTag, { window: DateWindow | null; part: Span }>();
    // A date is its quantity's when it follows it ("3 orders in the last 180 days"), and
    // "lifetime" when it leads ("lifetime AOV over £300"); each the other way if that is taken.
    for (const m of markers.sort((a, b) => a.start - b.start)) {
      const before = [...qs].reverse().find((q) => q.end <= m.start);
      const after = qs.find((q) => q.start >= m.end);
      const order = m.window === null ? [after, before] : [before, after];
      const q = order.find((x) => x !== undefined && !pairs.has(x));
      if (!q) return;
      pairs.set(q, { window: m.window, part: m });
    }
    if (pairs.size !== qs.length) return;
    f.quantityWindows = pairs;
    // Their windows are their own: the clause has none to intersect.
    f.windows = [];
    f.window = undefined;
    f.effectiveWindow = undefined;
  },
};
