import { cuesOf } from "../clause.ts";
import type { MapRule } from "../types.ts";

/** "...spent less than £250 in that period": the window of the clause before. */
export const windowAnaphor: MapRule = {
  name: "window-anaphor",
  doc: "'that period', 'the same time' refer to the previous clause's window.",
  applies: (c, f) =>
    !f.window && f.prev?.window !== undefined && cuesOf(c, "window-anaphor").length > 0,
  apply(c, f) {
    f.window = f.prev!.window;
    f.effectiveWindow = f.window;
    f.windowParts.push(cuesOf(c, "window-anaphor")[0]!);
  },
};
