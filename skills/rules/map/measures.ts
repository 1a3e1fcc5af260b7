/**
 * Which aggregate a quantity compares: the words after the number ("5 orders", "3 distinct
 * products"), a measure named near it ("spent over £500"), or its currency.
 */
import type { Measure } from "../../../state/segment.ts";
import type { Mention } from "../../types.ts";
import type { QuantityTag } from "../quantities.ts";
import type { Token } from "../text.ts";

export interface ResolvedMeasure {
  measure: Exclude<Measure, "exists">;
  event: "order" | "cancellation";
  fromCatalog: boolean;
  confidence: number;
}

export function measureFor(
  q: QuantityTag,
  measureMentions: Mention[],
  tokens: Token[],
  cancel: boolean,
): ResolvedMeasure | undefined {
  const unit = q.unit.join(" ");
  const event = cancel ? "cancellation" : "order";
  const distinct = /\b(distinct|different|unique|separate)\b/.test(unit);
  // "5 separate orders", "3 different orders": orders, however they are qualified.
  if (
    /^(?:(?:separate|different|distinct|individual|unique)\s+)?(times|orders?|purchases?|transactions?|invoices?|visits?|occasions?)\b/.test(
      unit,
    ) ||
    /\bcancell?ed orders?\b/.test(unit)
  ) {
    return { measure: "orders", event, fromCatalog: true, confidence: 1 };
  }
  if (/^(cancell?ations?|cancell?ed|returns?|refunds?)\b/.test(unit)) {
    return { measure: "orders", event: "cancellation", fromCatalog: true, confidence: 1 };
  }
  if (/^(?:(?:distinct|different|separate|unique)\s+)?(categor(y|ies))\b/.test(unit)) {
    return { measure: "distinct_categories", event, fromCatalog: true, confidence: 1 };
  }
  if (distinct || /^(skus?|products?|lines?|styles?)\b/.test(unit)) {
    return {
      measure: "distinct_products",
      event,
      fromCatalog: true,
      confidence: distinct ? 1 : 0.7,
    };
  }
  if (/^(units?|items?|pieces?|articles?)\b/.test(unit)) {
    return { measure: "units", event, fromCatalog: true, confidence: 1 };
  }
  // The closest measure word before or after the number decides ("spent over £500").
  const nearest = [...measureMentions].sort(
    (a, b) => Math.abs(a.start - q.start) - Math.abs(b.start - q.start),
  )[0];
  const aov = measureMentions.some((m) => m.facetId === "aov");
  if (aov) return { measure: "aov", event, fromCatalog: true, confidence: 1 };
  if (q.currency)
    return { measure: "spend", event, fromCatalog: nearest?.facetId === "spend", confidence: 1 };
  if (nearest) {
    const id = nearest.facetId;
    if (id === "cancellations")
      return { measure: "orders", event: "cancellation", fromCatalog: true, confidence: 0.9 };
    if (id === "spend" || id === "orders" || id === "units" || id === "distinct_products") {
      return { measure: id, event, fromCatalog: true, confidence: 0.9 };
    }
  }
  if (tokens.some((t) => t.lower === "spent" || t.lower === "spend" || t.lower === "spending")) {
    return { measure: "spend", event, fromCatalog: false, confidence: 0.8 };
  }
  return undefined;
}
