import { cuesOf, overlaps } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** "but not since", "but never after", "nothing afterwards": from the end of that window. */
export const sincePrevious: MapRule = {
  name: "since-previous",
  doc: "A bare 'since'/'after' continues from where the previous clause's window ended.",
  applies: (c, f) =>
    f.prev?.window?.to !== undefined &&
    cuesOf(c, "since").some((cue) => !c.dates.some((d) => overlaps(d, cue))),
  apply(c, f) {
    const cue = cuesOf(c, "since").find((x) => !c.dates.some((d) => overlaps(d, x)))!;
    const prev = f.prev!.window!;
    f.windows.push({ from: prev.to, label: `since ${prev.label}` });
    f.windowParts.push(cue);
  },
};
