import { facetById } from "../../../../state/catalog.ts";
import type { RecencyCondition } from "../../../../state/segment.ts";
import type { MapRule } from "../types.ts";

/** "whose first order was in Q1 2011", "last purchase before March". */
export const recency: MapRule = {
  name: "recency",
  doc: "A first/last purchase mention with a window is a recency condition; without one, a question.",
  applies: (c, f) =>
    c.recency.length > 0 && !f.recencyUsed && !(f.effectiveWindow && f.countQuantities.length),
  apply(c, f) {
    const m = c.recency[0]!;
    const which = facetById(f.scope.ctx.catalog, m.facetId)?.recency?.which ?? "last";
    f.recencyUsed = true;
    if (f.effectiveWindow) {
      const condition: RecencyCondition = {
        type: "recency",
        which,
        window: f.effectiveWindow,
        provenance: f.scope.provenance(
          [m, ...f.windowParts],
          "catalog",
          Math.min(m.score, f.windowConfidence),
        ),
      };
      f.behaviour.push(condition);
      return;
    }
    // "newly acquired customers in the last 90 days": the period comes after the head noun,
    // and the request rules date the first purchase with it (or ask).
    if (c.seg.zone === "pre" && which === "first") return;
    f.scope.ambiguities.push({
      key: `recency-window:${m.text.toLowerCase()}`,
      kind: "missing_value",
      span: { text: m.text, start: m.start, end: m.end },
      question: `When should the ${m.label.toLowerCase()} be?`,
      options: [
        { label: "in the last 30 days", replacement: `${m.text} in the last 30 days` },
        { label: "in the last 90 days", replacement: `${m.text} in the last 90 days` },
        { label: "before the last 6 months", replacement: `${m.text} before the last 6 months` },
      ],
    });
  },
};
