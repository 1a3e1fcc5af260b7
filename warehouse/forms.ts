/**
 * Which table executes a behavioural condition: the cheapest one that gives exactly the members
 * the line-level SQL gives. Each rule here is an equality of the data contract's measure over
 * two groupings of the same order lines (warehouse/features.ts builds them); a condition no
 * rule covers stays on lines.
 */
import { itemFiltersOf, type BehaviourCondition, type DateWindow } from "../state/segment.ts";
import { RETAIL_MEASURES, type WarehouseBinding } from "./binding.ts";
import { FEATURE_TABLES } from "./features.ts";

/**
 * `customer`: lifetime columns of `customers`; `monthly`: `customer_months`;
 * `category-monthly`: `customer_category_months`; `monthly+lines` and
 * `category-monthly+lines`: a day-precise window as its whole calendar months from that table
 * plus its partial months at either edge from `orders`; `lines`: `orders` or `lines`.
 */
export type Form =
  | "customer"
  | "monthly"
  | "category-monthly"
  | "monthly+lines"
  | "category-monthly+lines"
  | "lines";

/** Lifetime columns of `customers`, as expressions over alias `c`. */
const LIFETIME: Record<string, string> = {
  orders: "c.orders",
  spend: "c.spend",
  units: "c.units",
  distinct_products: "c.distinct_products",
  distinct_categories: "c.distinct_categories",
  aov: "c.spend / nullif(c.orders, 0)",
};

/**
 * The measures over feature rows `e` of one customer. Sums add up across months and across
 * categories because every order line is in exactly one month and one category (a product has
 * one category). Order counts add up across months only when no invoice spans two, and never
 * across categories (one invoice can hold several); distinct products never add up across
 * months.
 */
const FEATURE_AGGREGATES: Record<string, string> = {
  orders: "sum(e.orders)",
  spend: "sum(e.spend)",
  units: "sum(e.units)",
  distinct_products: "sum(e.distinct_products)",
  distinct_categories: "count(distinct e.category)",
  aov: "sum(e.spend) / nullif(sum(e.orders), 0)",
};

/** The feature columns were built with the contract's aggregates; a rebound measure was not. */
function isStandard(binding: WarehouseBinding, measure: string): boolean {
  if (measure === "exists") return true;
  const bound = binding.measures[measure];
  const standard = RETAIL_MEASURES[measure];
  return !!bound && !!standard && bound.sql === standard.sql && bound.per === standard.per;
}

const isMonthStart = (d: string | undefined) => d === undefined || d.endsWith("-01");

/** A window made of whole calendar months (either side may be open). */
export function isMonthAligned(w: DateWindow): boolean {
  return isMonthStart(w.from) && isMonthStart(w.to);
}

/** `[from, to)` is exactly one calendar month. */
function isSingleMonth(w: DateWindow | undefined): boolean {
  if (!w?.from || !w.to || !isMonthAligned(w)) return false;
  const [y, m] = w.from.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return w.to === next;
}

/** Whether a monthly table gives `measure` exactly over `window` (and `categories` values). */
function monthlyCovers(
  binding: WarehouseBinding,
  measure: string,
  window: DateWindow | undefined,
  categories: number,
): boolean {
  switch (measure) {
    case "exists":
    case "spend":
    case "units":
    case "distinct_categories":
      return true;
    case "orders":
    case "aov":
      return !!binding.features?.invoicesWithinMonth && categories <= 1;
    case "distinct_products":
      return isSingleMonth(window);
    default:
      return false;
  }
}

const monthStart = (d: string) => `${d.slice(0, 7)}-01`;
const nextMonth = (d: string) => {
  const [y, m] = d.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
};

/**
 * A day-precise window as the whole calendar months inside it and the partial months at its
 * edges; null when no whole month is inside (the lines alone are then as cheap). The pieces
 * are disjoint and cover the window, and each edge lies inside one calendar month.
 */
export function splitWindow(w: DateWindow): { whole: DateWindow; edges: DateWindow[] } | null {
  const first = w.from === undefined || isMonthStart(w.from) ? w.from : nextMonth(w.from);
  const last = w.to === undefined || isMonthStart(w.to) ? w.to : monthStart(w.to);
  if (first !== undefined && last !== undefined && first >= last) return null;
  const edges: DateWindow[] = [];
  if (w.from !== undefined && first !== w.from)
    edges.push({ from: w.from, to: first, label: w.label });
  if (w.to !== undefined && last !== w.to) edges.push({ from: last, to: w.to, label: w.label });
  const whole: DateWindow = {
    ...(first !== undefined ? { from: first } : {}),
    ...(last !== undefined ? { to: last } : {}),
    label: w.label,
  };
  return { whole, edges };
}

/**
 * The measures that add up over disjoint pieces of a window, with the feature columns each
 * one's aggregate reads (a split window unions them from the monthly table and the edges).
 */
export const SPLIT_COLUMNS: Record<string, string[]> = {
  exists: [],
  spend: ["spend"],
  units: ["units"],
  orders: ["orders"],
  aov: ["spend", "orders"],
};

/**
 * Sums always add up; order counts (and so AOV) only when no invoice spans two calendar
 * months, as each edge lies inside one month and the whole months are others, so every
 * invoice falls in exactly one piece.
 */
function splits(binding: WarehouseBinding, measure: string): boolean {
  const columns = SPLIT_COLUMNS[measure];
  if (!columns) return false;
  return !columns.includes("orders") || !!binding.features?.invoicesWithinMonth;
}

/** The cheapest exact form for a behavioural condition under this binding. */
export function formOf(c: BehaviourCondition, binding: WarehouseBinding): Form {
  if (c.window && !isMonthAligned(c.window) && c.event === "order") {
    const split = splitWindow(c.window);
    if (!split || !splits(binding, c.measure)) return "lines";
    const whole = alignedFormOf({ ...c, window: split.whole }, binding);
    if (whole === "monthly") return "monthly+lines";
    if (whole === "category-monthly") return "category-monthly+lines";
    return "lines";
  }
  return alignedFormOf(c, binding);
}

function alignedFormOf(c: BehaviourCondition, binding: WarehouseBinding): Form {
  const features = binding.features;
  if (!features || !isStandard(binding, c.measure)) return "lines";
  const items = itemFiltersOf(c);
  if (c.event === "cancellation") {
    // Lifetime cancelled orders are a column; cancellations are in no monthly table.
    const lifetime = !c.window && items.length === 0;
    return lifetime && (c.measure === "exists" || c.measure === "orders") ? "customer" : "lines";
  }
  // `line` events count cancellation lines too ("never bought X"): only lines have them.
  if (c.event !== "order") return "lines";
  if (c.window && !isMonthAligned(c.window)) return "lines";
  if (items.length === 0) {
    if (!c.window && (c.measure === "exists" || c.measure in LIFETIME)) return "customer";
    if (c.measure === "distinct_categories") return "category-monthly";
    return monthlyCovers(binding, c.measure, c.window, 0) ? "monthly" : "lines";
  }
  const [only] = items;
  if (items.length > 1 || only!.facet !== features.categoryFacet) return "lines";
  return monthlyCovers(binding, c.measure, c.window, only!.values.length)
    ? "category-monthly"
    : "lines";
}

/** A lifetime condition's expressions over `c`: whether the customer has any, and the value. */
export function lifetimeOf(c: BehaviourCondition): { has: string; value?: string } {
  if (c.event === "cancellation") return { has: "c.cancellations > 0", value: "c.cancellations" };
  return { has: "c.orders > 0", value: LIFETIME[c.measure] };
}

/** The feature table of a monthly form and its measure's aggregate over rows `e`. */
export function monthlyOf(
  form: "monthly" | "category-monthly",
  measure: string,
): { table: string; aggregate?: string } {
  const table = form === "monthly" ? FEATURE_TABLES.monthly : FEATURE_TABLES.categoryMonthly;
  return { table, aggregate: FEATURE_AGGREGATES[measure] };
}
