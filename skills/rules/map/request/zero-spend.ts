import { measureFacetOf } from "../../../../state/catalog.ts";
import type { Comparison, RuleNode } from "../../../../state/segment.ts";
import { nodesOf } from "../tree.ts";
import type { RequestRule } from "../types.ts";

/** Whether a customer with no orders (spend 0) satisfies the comparison. */
export function zeroSatisfies(c: Comparison): boolean {
  if (c.op === "lt") return c.value > 0;
  if (c.op === "lte" || c.op === "eq") return c.value >= 0 && (c.op === "lte" || c.value === 0);
  if (c.op === "between") return c.value <= 0 && (c.value2 ?? 0) >= 0;
  return false;
}

/**
 * "Customers who spent under £100", "UK customers who spent under £100 in 2011": per the data
 * contract a customer with no orders has spend 0, so every comparison 0 satisfies on a measure
 * whose catalog facet says so (spend) counts customers with no matching orders.
 */
export const zeroSpend: RequestRule = {
  name: "zero-spend",
  doc: "A comparison that 0 satisfies, on a measure whose catalog facet says none is 0, includes customers with none.",
  applies: (r) =>
    r.root !== null &&
    nodesOf(r.root).some(
      (n) => n.type === "behaviour" && n.comparison !== undefined && zeroSatisfies(n.comparison),
    ),
  apply(r) {
    const zeroIsNone = (measure: string, event: "order" | "cancellation" | "line") =>
      event !== "line" &&
      measureFacetOf(r.scope.ctx.catalog, measure, event)?.measure?.zeroIfNone === true;
    const mark = (node: RuleNode): RuleNode => {
      if (node.type === "and" || node.type === "or")
        return { ...node, children: node.children.map(mark) };
      if (node.type === "not") return { ...node, child: mark(node.child) };
      if (
        node.type === "behaviour" &&
        node.comparison &&
        zeroSatisfies(node.comparison) &&
        zeroIsNone(node.measure, node.event)
      )
        return { ...node, zeroIfNone: true };
      return node;
    };
    r.root = mark(r.root!);
  },
};
