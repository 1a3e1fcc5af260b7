import type { MapRule } from "../types.ts";

/** "bought bags in 2011 and spent over £100": a clause with no verb keeps the window. */
export const inheritedWindow: MapRule = {
  name: "inherited-window",
  doc: "A clause with no date and no verb of its own keeps the previous clause's window.",
  applies: (c, f) => !f.window && !c.buyVerb && !c.cancel && f.prev?.window !== undefined,
  apply(_c, f) {
    f.effectiveWindow = f.prev!.window;
  },
};
