import type { MapRule } from "../types.ts";
import { intersectWindows } from "../windows.ts";

/** The clause's window is the intersection of its windows; an empty one is a question. */
export const windowIntersection: MapRule = {
  name: "window-intersection",
  doc: "Every window of a clause narrows it; windows that do not overlap are asked about.",
  applies: (_c, f) => f.windows.length > 0 && !f.itemWindows,
  apply(c, f) {
    const inter = intersectWindows(f.windows);
    if (inter !== "empty") {
      f.window = inter;
      f.effectiveWindow = inter;
      return;
    }
    f.scope.ambiguities.push({
      key: `empty-window:${c.seg.start}`,
      kind: "ambiguous_value",
      span: { text: c.seg.text, start: c.seg.start, end: c.seg.end },
      question: `The dates in "${c.seg.text}" do not overlap, so no order can match. Which period did you mean?`,
      options: f.windows.map((w) => ({ label: w.label, replacement: w.label })),
    });
  },
};
