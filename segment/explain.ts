/**
 * Round-trip of a rule tree to plain English, one line per condition with where it came
 * from, so a marketer can check the system understood them.
 */
import { measureFacetOf, type TenantCatalog } from "../state/catalog.ts";
import {
  itemFiltersOf,
  type Comparison,
  type Condition,
  type DateWindow,
  type ItemFilter,
  type RuleNode,
} from "../state/segment.ts";

const MONEY = new Intl.NumberFormat("en-GB", {
  style: "currency",
  currency: "GBP",
  maximumFractionDigits: 2,
});

function previousDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function describeWindow(w: DateWindow | undefined): string {
  if (!w) return "at any time";
  if (w.from && w.to) return `from ${w.from} to ${previousDay(w.to)}`;
  if (w.from) return `on or after ${w.from}`;
  return `before ${w.to}`;
}

function describeComparison(c: Comparison, fmt: (n: number) => string): string {
  switch (c.op) {
    case "gt":
      return `more than ${fmt(c.value)}`;
    case "gte":
      return `at least ${fmt(c.value)}`;
    case "lt":
      return `less than ${fmt(c.value)}`;
    case "lte":
      return `at most ${fmt(c.value)}`;
    case "eq":
      return `exactly ${fmt(c.value)}`;
    case "between":
      return `between ${fmt(c.value)} and ${fmt(c.value2 ?? c.value)}`;
  }
}

function valueLabel(catalog: TenantCatalog, facetId: string, value: string): string {
  const facet = catalog.facets.find((f) => f.id === facetId);
  const v = facet?.values?.find((x) => x.value === value);
  if (facetId === "product") return `${v?.label ?? value} (${value})`;
  if (facetId === "product_word") return `a product whose name contains "${value}"`;
  return v && v.label !== value ? `${v.label} (${value})` : value;
}

export function describeCondition(c: Condition, catalog: TenantCatalog): string {
  if (c.type === "attribute") {
    const facet = catalog.facets.find((f) => f.id === c.facet)?.label ?? c.facet;
    const values = c.values.map((v) => valueLabel(catalog, c.facet, v)).join(" or ");
    return `${facet} is ${c.op === "not_in" ? "not " : ""}${values}`;
  }
  if (c.type === "recency") {
    return `${c.which === "first" ? "First" : "Last"} purchase ${describeWindow(c.window)}`;
  }
  const describeItem = (f: ItemFilter) =>
    f.facet === "category"
      ? `${f.values.join(" or ")} products`
      : f.facet === "product" || f.facet === "product_word"
        ? f.values.map((v) => valueLabel(catalog, f.facet, v)).join(" or ")
        : `${f.values.join(" or ")} (${catalog.facets.find((x) => x.id === f.facet)?.label ?? f.facet})`;
  const filters = itemFiltersOf(c);
  const what = filters.length ? filters.map(describeItem).join(" that are also ") : "anything";
  const when = describeWindow(c.window);
  const verb = {
    order: "Bought",
    cancellation: "Cancelled an order of",
    line: "Ordered or cancelled",
  }[c.event];
  if (c.measure === "exists") return `${verb} ${what} ${when}`;
  const cmp = c.comparison!;
  const facet = measureFacetOf(catalog, c.measure, c.event);
  const money = (facet?.type ?? "money") === "money";
  const fmt = money ? (n: number) => MONEY.format(n) : String;
  const template = facet?.measure?.explain ?? `${facet?.label ?? c.measure} {cmp}{on} {when}`;
  const zero = c.zeroIfNone ? ` (no orders counts as ${fmt(0).replace(/\.00$/, "")})` : "";
  return (
    template
      .replace("{cmp}", describeComparison(cmp, fmt))
      .replace("{on}", c.item ? ` on ${what}` : "")
      .replace("{including}", c.item ? ` including ${what}` : "")
      .replace("{among}", c.item ? ` among ${what}` : "")
      .replace("{when}", when) + zero
  );
}

/** Indented plain-English lines, each followed by its provenance. */
export function explainTree(node: RuleNode, catalog: TenantCatalog, indent = ""): string[] {
  if (node.type === "and" || node.type === "or") {
    const lines = [`${indent}${node.type === "and" ? "ALL of" : "ANY of"}:`];
    for (const child of node.children) lines.push(...explainTree(child, catalog, indent + "  "));
    return lines;
  }
  if (node.type === "not") {
    return [`${indent}NOT:`, ...explainTree(node.child, catalog, indent + "  ")];
  }
  const p = node.provenance;
  return [
    `${indent}${describeCondition(node, catalog)}   [from "${p.span}"; ${p.source}; confidence ${p.confidence.toFixed(2)}]`,
  ];
}
