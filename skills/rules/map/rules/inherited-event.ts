import type { MapRule } from "../types.ts";

/** A clause without a verb of its own continues the event of the clause before. */
export const inheritedEvent: MapRule = {
  name: "inherited-event",
  doc: "Without a cancel word, a clause keeps the previous clause's event (orders or cancellations).",
  applies: (c, f) => !c.cancel && f.prev !== undefined,
  apply(_c, f) {
    f.event = f.prev!.event;
  },
};
