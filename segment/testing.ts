/**
 * Test support: a small catalog and condition builders, so rule-tree tests state their trees in
 * a line each.
 */
import type { TenantCatalog } from "../state/catalog.ts";
import type {
  AttributeCondition,
  BehaviourCondition,
  Provenance,
  RecencyCondition,
} from "../state/segment.ts";

export const TINY_CATALOG: TenantCatalog = {
  tenant: "tiny",
  currency: "GBP",
  facets: [
    {
      id: "country",
      label: "Country",
      description: "country",
      kind: "attribute",
      type: "enum",
      synonyms: [],
      values: ["France", "Germany", "Spain", "Portugal"].map((v) => ({
        value: v,
        label: v,
        synonyms: [],
      })),
    },
    {
      id: "category",
      label: "Category",
      description: "category",
      kind: "item",
      type: "enum",
      synonyms: [],
      values: ["Bags", "Christmas", "Candles & Lighting"].map((v) => ({
        value: v,
        label: v,
        synonyms: [],
      })),
    },
    {
      id: "spend",
      label: "Spend",
      description: "spend",
      kind: "measure",
      type: "money",
      synonyms: [],
      measure: { currencyDefault: true, zeroIfNone: true, explain: "Spent {cmp}{on} {when}" },
    },
    {
      id: "orders",
      label: "Orders",
      description: "orders",
      kind: "measure",
      type: "number",
      synonyms: [],
      measure: { units: ["orders", "times"], explain: "Placed {cmp} orders{including} {when}" },
    },
  ],
};

export function prov(span: string, start = 0): Provenance {
  return {
    span,
    start,
    end: start + span.length,
    source: "catalog",
    confidence: 1,
    producer: "test",
  };
}

export function country(...values: string[]): AttributeCondition {
  return {
    type: "attribute",
    facet: "country",
    op: "in",
    values,
    provenance: prov(values.join(" or ")),
  };
}

export function bought(
  category: string,
  window?: { from?: string; to?: string; label: string },
): BehaviourCondition {
  return {
    type: "behaviour",
    event: "order",
    item: { facet: "category", values: [category] },
    measure: "exists",
    ...(window ? { window } : {}),
    provenance: prov(`bought ${category}`),
  };
}

export function spent(op: "gt" | "gte" | "lt", value: number): BehaviourCondition {
  return {
    type: "behaviour",
    event: "order",
    measure: "spend",
    comparison: { op, value },
    provenance: prov(`spent ${op} ${value}`),
  };
}

export function lastBefore(to: string): RecencyCondition {
  return {
    type: "recency",
    which: "last",
    window: { to, label: `before ${to}` },
    provenance: prov(`before ${to}`),
  };
}
