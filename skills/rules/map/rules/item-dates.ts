import type { MapRule } from "../types.ts";
import { pairItemsWithDates } from "../windows.ts";

/** "candles in Q3 2011 and textiles in Q4 2011": each item takes the date after it. */
export const itemDates: MapRule = {
  name: "item-dates",
  doc: "Items each followed by their own date keep apart windows.",
  applies: (c) => c.items.length >= 2 && c.dates.length >= 2,
  apply(c, f) {
    f.itemWindows = pairItemsWithDates(c.items, c.dates);
  },
};
