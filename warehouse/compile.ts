/**
 * Compiles a segment rule tree to one parameterised SQL query returning member IDs.
 * Only identifiers from the tenant's binding reach the SQL text; every user value is a
 * numbered parameter. Each behavioural condition runs on the cheapest table that gives the
 * same members as its line-level SQL (`forms.ts`).
 */
import {
  itemFiltersOf,
  type AttributeCondition,
  type BehaviourCondition,
  type Comparison,
  type DateWindow,
  type ItemFilter,
  type RecencyCondition,
  type RuleNode,
} from "../state/segment.ts";
import { RETAIL_MEASURES, type WarehouseBinding } from "./binding.ts";
import { formOf, lifetimeOf, monthlyOf, SPLIT_COLUMNS, splitWindow, type Form } from "./forms.ts";

/** Each feature column as the contract's aggregate over order lines (how features.ts built it). */
const FEATURE_COLUMN_SQL: Record<string, string> = {
  spend: RETAIL_MEASURES.spend!.sql,
  units: RETAIL_MEASURES.units!.sql,
  orders: RETAIL_MEASURES.orders!.sql,
};

export interface CompiledSql {
  /** `select customer_id from ... where ...`, members as text. */
  text: string;
  values: unknown[];
}

export class CompileError extends Error {}

export interface CompileOptions {
  /**
   * `cheapest` (default): each condition on the cheapest exact form; `lines`: every
   * behavioural condition over order lines — the reference the other forms are tested against.
   */
  forms?: "cheapest" | "lines";
}

/** Where a behavioural condition's aggregate runs: a table `e`, its filters, the aggregate. */
interface Source {
  from: string;
  where: string[];
  aggregate?: string;
  /** Group by order too: the condition holds when one of the customer's orders does. */
  perOrder?: boolean;
}

const OPS: Record<Exclude<Comparison["op"], "between">, string> = {
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  eq: "=",
};

/** Escapes LIKE wildcards so a user's word matches literally. */
function likeContains(word: string): string {
  return `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

class Compiler {
  readonly values: unknown[] = [];
  constructor(
    private readonly binding: WarehouseBinding,
    private readonly opts: CompileOptions = {},
  ) {}

  private param(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  node(n: RuleNode): string {
    switch (n.type) {
      case "and":
      case "or": {
        const parts = n.children.map((c) => this.node(c));
        return parts.length === 1 ? parts[0]! : `(${parts.join(` ${n.type} `)})`;
      }
      case "not":
        return `not (${this.node(n.child)})`;
      case "attribute":
        return this.attribute(n);
      case "behaviour":
        return this.behaviour(n);
      case "recency":
        return this.recency(n);
    }
  }

  private attribute(c: AttributeCondition): string {
    const column = this.binding.attributes[c.facet];
    if (!column) throw new CompileError(`facet ${c.facet} is not an attribute of this tenant`);
    const test = `c.${column} = any(${this.param(c.values, "text[]")})`;
    return c.op === "in" ? test : `not (${test})`;
  }

  private item(f: ItemFilter): string {
    const item = this.binding.items[f.facet];
    if (!item) throw new CompileError(`facet ${f.facet} is not an item facet of this tenant`);
    if (item.match === "equals") return `e.${item.column} = any(${this.param(f.values, "text[]")})`;
    const patterns = this.param(f.values.map(likeContains), "text[]");
    // The line-level reference form matches every line's own text.
    if (!item.via || this.opts.forms === "lines") return `e.${item.column} ilike any(${patterns})`;
    const { table, key } = item.via;
    return (
      `e.${key} = any(array(select p.${key} from ${this.binding.schema}.${table} p` +
      ` where p.${item.column} ilike any(${patterns})))`
    );
  }

  private window(w: DateWindow, column: string): string[] {
    const out: string[] = [];
    if (w.from) out.push(`${column} >= ${this.param(w.from, "date")}`);
    if (w.to) out.push(`${column} < ${this.param(w.to, "date")}`);
    return out;
  }

  private comparison(expr: string, c: Comparison): string {
    if (c.op === "between") {
      return `${expr} between ${this.param(c.value, "numeric")} and ${this.param(c.value2, "numeric")}`;
    }
    return `${expr} ${OPS[c.op]} ${this.param(c.value, "numeric")}`;
  }

  private behaviour(c: BehaviourCondition): string {
    const form = this.opts.forms === "lines" ? "lines" : formOf(c, this.binding);
    if (form === "customer") return this.lifetime(c);
    const source =
      form === "lines"
        ? this.lineSource(c)
        : form === "monthly+lines" || form === "category-monthly+lines"
          ? this.splitSource(c, form)
          : this.monthlySource(c, form);
    if (c.measure === "exists" || !c.comparison) {
      const where = ["e.customer_id = c.customer_id", ...source.where];
      return `exists (select 1 from ${source.from} where ${where.join(" and ")})`;
    }
    if (!source.aggregate)
      throw new CompileError(`measure ${c.measure} is not bound for this tenant`);
    if (c.zeroIfNone && !source.perOrder) {
      // Customers with no matching lines have the value 0 (spend, per the data contract).
      const where = ["e.customer_id = c.customer_id", ...source.where];
      const value = `coalesce((select ${source.aggregate} from ${source.from} where ${where.join(" and ")}), 0)`;
      return this.comparison(value, c.comparison);
    }
    const filter = source.where.length ? ` where ${source.where.join(" and ")}` : "";
    // Per order: a customer matches when one of their orders does.
    const group = source.perOrder ? "e.customer_id, e.invoice_no" : "e.customer_id";
    return (
      `c.customer_id in (select e.customer_id from ${source.from}${filter} group by ${group}` +
      ` having ${this.comparison(source.aggregate, c.comparison)})`
    );
  }

  /** The line-level form: the condition's own events, item filters and window. */
  private lineSource(c: BehaviourCondition): Source {
    const s = this.binding.schema;
    const where: string[] = c.event === "cancellation" ? ["e.cancelled"] : [];
    for (const f of itemFiltersOf(c)) where.push(this.item(f));
    if (c.window) where.push(...this.window(c.window, "e.invoice_date"));
    const measure = this.binding.measures[c.measure];
    return {
      from: c.event === "order" ? `${s}.orders e` : `${s}.lines e`,
      where,
      aggregate: measure?.sql,
      perOrder: measure?.per === "order",
    };
  }

  /** A monthly feature table: the category filter (if any) and whole months of the window. */
  private monthlySource(c: BehaviourCondition, form: "monthly" | "category-monthly"): Source {
    const { table, aggregate } = monthlyOf(form, c.measure);
    const where: string[] = [];
    if (c.item) where.push(`e.category = any(${this.param(c.item.values, "text[]")})`);
    if (c.window) where.push(...this.window(c.window, "e.month"));
    return { from: `${this.binding.schema}.${table} e`, where, aggregate };
  }

  /**
   * A day-precise window: its whole months from the monthly table, its partial edge months
   * from `orders` aggregated to the same columns, as one union the measure's feature aggregate
   * reads (each invoice falls in exactly one piece: forms.ts `splits`).
   */
  private splitSource(c: BehaviourCondition, form: Extract<Form, `${string}+lines`>): Source {
    const split = splitWindow(c.window!)!;
    const base = form === "monthly+lines" ? "monthly" : "category-monthly";
    const columns = SPLIT_COLUMNS[c.measure];
    if (!columns) throw new CompileError(`measure ${c.measure} does not split over a window`);
    const monthly = this.monthlySource({ ...c, window: split.whole }, base);
    const selected = ["e.customer_id", ...columns.map((x) => `e.${x}`)].join(", ");
    const months = `select ${selected} from ${monthly.from} where ${monthly.where.join(" and ")}`;
    const lines = this.lineSource({ ...c, window: undefined });
    const within = split.edges.map((w) => `(${this.window(w, "e.invoice_date").join(" and ")})`);
    const where = [...lines.where, `(${within.join(" or ")})`].join(" and ");
    const aggregated = ["e.customer_id", ...columns.map((x) => `${FEATURE_COLUMN_SQL[x]} as ${x}`)];
    const edges =
      `select ${aggregated.join(", ")} from ${lines.from} where ${where}` +
      (columns.length ? " group by e.customer_id" : "");
    return {
      from: `(${months} union all ${edges}) e`,
      where: [],
      aggregate: monthlyOf(base, c.measure).aggregate,
    };
  }

  /**
   * Lifetime columns of `customers`. A customer with no matching orders never meets a
   * comparison, except with `zeroIfNone`, where the value is 0 — as on lines.
   */
  private lifetime(c: BehaviourCondition): string {
    const { has, value } = lifetimeOf(c);
    if (c.measure === "exists" || !c.comparison) return has;
    if (!value) throw new CompileError(`measure ${c.measure} has no lifetime column`);
    if (c.zeroIfNone) return this.comparison(`coalesce(${value}, 0)`, c.comparison);
    return `(${has} and ${this.comparison(value, c.comparison)})`;
  }

  private recency(c: RecencyCondition): string {
    // Features hold whole-history first/last order dates; null (no orders) never matches.
    const column = `c.${this.binding.recency[c.which]}`;
    const parts = this.window(c.window, column);
    return parts.length === 1 ? parts[0]! : `(${parts.join(" and ")})`;
  }
}

export function compileSegment(
  root: RuleNode,
  binding: WarehouseBinding,
  opts: CompileOptions = {},
): CompiledSql {
  const compiler = new Compiler(binding, opts);
  const where = compiler.node(root);
  return {
    text: `select c.customer_id::text as customer_id from ${binding.schema}.customers c where ${where}`,
    values: compiler.values,
  };
}
