import { hasCue, tokensBetween } from "../clause.ts";
import type { MapRule, Tagged } from "../types.ts";

const JOINERS = new Set([",", "or", "and", "&", "/"]);

/**
 * Dates joined by "or"/"and" ("October or November 2011") widen the window when they touch;
 * otherwise each date narrows it ("in 2011 ... in March"). "In both 2010 and 2011", "in each
 * of March, April and May": each period must hold on its own; "December 2023 or December
 * 2024": either period.
 */
export const joinedDates: MapRule = {
  name: "joined-dates",
  doc: "Windows of the clause: touching dates joined by a conjunction widen, others narrow.",
  applies: (_c, f) => f.tagWindows.length > 0,
  apply(c, f) {
    const each = hasCue(c, "both") || hasCue(c, "each");
    let previous: Tagged | undefined;
    for (const { tag, window: w } of f.tagWindows) {
      const between = previous ? tokensBetween(c, previous, tag) : [];
      const joined =
        previous !== undefined && between.length === 1 && JOINERS.has(between[0]!.lower);
      const last = f.windows[f.windows.length - 1];
      const touches =
        last !== undefined &&
        last.to !== undefined &&
        w.from !== undefined &&
        last.from !== undefined &&
        w.to !== undefined &&
        w.from <= last.to &&
        last.from <= w.to;
      if (joined && each) {
        f.perWindow.push(w);
      } else if (joined && between[0]!.lower === "or" && last && !touches) {
        f.perWindow.push(w);
        f.perWindowJoin = "or";
      } else if (
        joined &&
        last &&
        last.to &&
        w.from &&
        last.from &&
        w.to &&
        w.from <= last.to &&
        last.from <= w.to
      ) {
        f.windows[f.windows.length - 1] = {
          from: last.from < w.from ? last.from : w.from,
          to: last.to > w.to ? last.to : w.to,
          label: `${last.label} ${between[0]!.text} ${w.label}`,
        };
      } else {
        f.windows.push(w);
      }
      f.windowParts.push(tag);
      f.windowConfidence = Math.min(f.windowConfidence, tag.confidence);
      previous = tag;
    }
  },
};
