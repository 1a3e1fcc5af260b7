import { conditionsOf } from "../../../../state/segment.ts";
import type { RequestRule } from "../types.ts";

const NEW_OPTIONS = [
  "whose first order was in the last 30 days",
  "whose first order was in the last 90 days",
  "whose first order was in the last 12 months",
];

/** "New customers" with no period of their first order: ask since when. */
export const newCustomers: RequestRule = {
  name: "new-customers",
  doc: "'New customers' needs the period of their first order; without one it is a question.",
  applies: (r) => r.newCustomers !== undefined,
  apply(r) {
    const consumed =
      r.newConsumed ||
      r.parts.some((p) =>
        conditionsOf(p.node).some((c) => c.type === "recency" && c.which === "first"),
      );
    if (consumed) return;
    const seg = r.newCustomers!;
    r.scope.ambiguities.push({
      key: `new-customers:${seg.text.toLowerCase()}`,
      kind: "missing_value",
      span: { text: seg.text, start: seg.start, end: seg.end },
      question: `New since when? "${seg.text}" needs the period of their first order.`,
      options: NEW_OPTIONS.map((o) => ({ label: o, replacement: "", append: o })),
    });
  },
};
