/**
 * Compiles a segment rule tree to one parameterised SQL query returning member IDs.
 * Only identifiers from the tenant's binding reach the SQL text; every user value is a
 * numbered parameter.
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
import type { WarehouseBinding } from "./binding.ts";

export interface CompiledSql {
  /** `select customer_id from ... where ...`, members as text. */
  text: string;
  values: unknown[];
}

export class CompileError extends Error {}

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
  constructor(private readonly binding: WarehouseBinding) {}

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
    return `e.${item.column} ilike any(${this.param(f.values.map(likeContains), "text[]")})`;
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
    const s = this.binding.schema;
    const source = c.event === "order" ? `${s}.orders e` : `${s}.lines e`;
    const where: string[] = c.event === "cancellation" ? ["e.cancelled"] : [];
    for (const f of itemFiltersOf(c)) where.push(this.item(f));
    if (c.window) where.push(...this.window(c.window, "e.invoice_date"));
    if (c.measure === "exists" || !c.comparison) {
      where.unshift("e.customer_id = c.customer_id");
      return `exists (select 1 from ${source} where ${where.join(" and ")})`;
    }
    const measure = this.binding.measures[c.measure];
    if (!measure) throw new CompileError(`measure ${c.measure} is not bound for this tenant`);
    if (c.zeroIfNone && measure.per !== "order") {
      // Customers with no matching lines have the value 0 (spend, per the data contract).
      where.unshift("e.customer_id = c.customer_id");
      const value = `coalesce((select ${measure.sql} from ${source} where ${where.join(" and ")}), 0)`;
      return this.comparison(value, c.comparison);
    }
    const filter = where.length ? ` where ${where.join(" and ")}` : "";
    // Per order: a customer matches when one of their orders does.
    const group = measure.per === "order" ? "e.customer_id, e.invoice_no" : "e.customer_id";
    return (
      `c.customer_id in (select e.customer_id from ${source}${filter} group by ${group}` +
      ` having ${this.comparison(measure.sql, c.comparison)})`
    );
  }

  private recency(c: RecencyCondition): string {
    // Features hold whole-history first/last order dates; null (no orders) never matches.
    const column = `c.${this.binding.recency[c.which]}`;
    const parts = this.window(c.window, column);
    return parts.length === 1 ? parts[0]! : `(${parts.join(" and ")})`;
  }
}

export function compileSegment(root: RuleNode, binding: WarehouseBinding): CompiledSql {
  const compiler = new Compiler(binding);
  const where = compiler.node(root);
  return {
    text: `select c.customer_id::text as customer_id from ${binding.schema}.customers c where ${where}`,
    values: compiler.values,
  };
}
