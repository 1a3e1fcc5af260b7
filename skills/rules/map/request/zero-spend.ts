import type { Comparison } from "../../../../state/segment.ts";
import type { RequestRule } from "../types.ts";

/** Whether a customer with no orders (spend 0) satisfies the comparison. */
export function zeroSatisfies(c: Comparison): boolean {
  if (c.op === "lt") return c.value > 0;
  if (c.op === "lte" || c.op === "eq") return c.value >= 0 && (c.op === "lte" || c.value === 0);
  if (c.op === "between") return c.value <= 0 && (c.value2 ?? 0) >= 0;
  return false;
}

/**
 * "UK customers who spent under £100": spend is a property of every customer of the named
 * population, and one with no orders has spend 0 (data contract), so they are included.
 */
export const zeroSpend: RequestRule = {
  name: "zero-spend",
  doc: "A spend comparison that 0 satisfies counts customers with no orders as spending 0.",
  applies: (r) => r.root?.type === "and" && r.root.children.some((c) => c.type === "attribute"),
  apply(r) {
    if (r.root?.type !== "and") return;
    r.root = {
      ...r.root,
      children: r.root.children.map((c) =>
        c.type === "behaviour" &&
        c.measure === "spend" &&
        c.comparison &&
        zeroSatisfies(c.comparison)
          ? { ...c, zeroIfNone: true }
          : c,
      ),
    };
  },
};
