/**
 * Comparable facts of a segment — facets, comparisons, values, date bounds — read off the
 * gold SQL and off a predicted definition, for facet/operator/value/window accuracy.
 */
import { measureFacetId } from "../nodes/validate.ts";
import { conditionsOf, itemFiltersOf, type SegmentDefinition } from "../state/segment.ts";

export interface Facts {
  facets: Set<string>;
  /** "op value" of every numeric comparison, e.g. "gt 500", "between 200 400". */
  comparisons: Set<string>;
  /** String values compared against: countries, categories, stock codes, words. */
  values: Set<string>;
  /** Every date bound used. */
  dates: Set<string>;
}

const OPS: Record<string, string> = { ">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "eq" };

export function goldFacts(sql: string): Facts {
  const s = sql.toLowerCase();
  const facets = new Set<string>();
  // Any column compared with a string literal is a facet: its name is the facet id, except
  // the two whose facets are named for what they mean.
  const COLUMN_FACET: Record<string, string> = {
    stock_code: "product",
    description: "product_word",
  };
  for (const m of s.matchAll(/\b([a-z_]+)\s*(?:=|<>|!=|\s+in\s*\(|\s+i?like)\s*'/g)) {
    if (m[1] === "invoice_date") continue;
    facets.add(COLUMN_FACET[m[1]!] ?? m[1]!);
  }
  if (/\bwhere\s+cancelled\b|\band\s+cancelled\b/.test(s)) facets.add("cancellations");
  const aov = /sum\(amount\)\s*\/\s*count/.test(s);
  if (aov) facets.add("aov");
  if (
    /sum\(amount\)\s*(?!\/)/.test(
      s.replace(/sum\(amount\)\s*\/\s*count\(distinct invoice_no\)/g, ""),
    )
  )
    facets.add("spend");
  if (
    /count\(distinct invoice_no\)/.test(
      s.replace(/sum\(amount\)\s*\/\s*count\(distinct invoice_no\)/g, ""),
    ) &&
    !facets.has("cancellations")
  )
    facets.add("orders");
  if (/sum\(quantity\)/.test(s)) facets.add("units");
  if (/count\(distinct stock_code\)/.test(s)) facets.add("distinct_products");
  if (/count\(distinct category\)/.test(s)) facets.add("distinct_categories");
  if (/min\(invoice_date\)/.test(s)) facets.add("first_purchase");
  if (/max\(invoice_date\)/.test(s)) facets.add("last_purchase");
  if (/(where|and|bool_or\()\s*\(?\s*invoice_date\s*[<>]/.test(s)) facets.add("order_date");

  const comparisons = new Set<string>();
  for (const m of s.matchAll(
    /(?:sum|count|max|min)\([^)]*\)(?:\s*\/\s*count\(distinct invoice_no\))?\s*(>=|<=|>|<|=)\s*(-?[\d.]+)\b/g,
  )) {
    comparisons.add(`${OPS[m[1]!]} ${Number(m[2])}`);
  }
  for (const m of s.matchAll(/\)\s*between\s+([\d.]+)\s+and\s+([\d.]+)/g))
    comparisons.add(`between ${Number(m[1])} ${Number(m[2])}`);
  for (const m of s.matchAll(/\)\s*(>=|<=|>|<|=)\s*([\d.]+)\s*(?:and|$|\))/g))
    comparisons.add(`${OPS[m[1]!]} ${Number(m[2])}`);

  const values = new Set<string>();
  for (const m of sql.matchAll(/\b([a-z_]+)\s*(?:=|<>)\s*'([^']+)'/gi)) {
    if (m[1]!.toLowerCase() !== "invoice_date") values.add(m[2]!);
  }
  for (const m of sql.matchAll(/\b[a-z_]+\s+in\s*\(([^)]*)\)/gi)) {
    for (const v of m[1]!.matchAll(/'([^']+)'/g)) values.add(v[1]!);
  }
  for (const m of sql.matchAll(/ilike\s+'%([^%']+)%'/gi)) values.add(m[1]!.toLowerCase());

  const dates = new Set<string>();
  for (const m of sql.matchAll(/'(\d{4}-\d{2}-\d{2})'/g)) dates.add(m[1]!);
  return { facets, comparisons, values, dates };
}

export function predictedFacts(segment: SegmentDefinition): Facts {
  const f: Facts = {
    facets: new Set(),
    comparisons: new Set(),
    values: new Set(),
    dates: new Set(),
  };
  for (const c of conditionsOf(segment.root)) {
    if (c.type === "attribute") {
      f.facets.add(c.facet);
      c.values.forEach((v) => f.values.add(v));
    }
    if (c.type === "recency")
      f.facets.add(c.which === "first" ? "first_purchase" : "last_purchase");
    const window = c.type === "attribute" ? undefined : c.window;
    if (window?.from) f.dates.add(window.from);
    if (window?.to) f.dates.add(window.to);
    if (c.type === "behaviour") {
      for (const item of itemFiltersOf(c)) {
        f.facets.add(item.facet);
        item.values.forEach((v) =>
          f.values.add(item.facet === "product_word" ? v.toLowerCase() : v),
        );
      }
      if (c.window) f.facets.add("order_date");
      if (c.measure !== "exists" || c.event === "cancellation") f.facets.add(measureFacetId(c));
      if (c.comparison) {
        const { op, value, value2 } = c.comparison;
        f.comparisons.add(op === "between" ? `between ${value} ${value2}` : `${op} ${value}`);
      }
    }
  }
  return f;
}

/** |a ∩ b| */
export function overlap<T>(a: Set<T>, b: Set<T>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}
