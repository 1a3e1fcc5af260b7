import type { DateWindow, RuleNode } from "../../../../state/segment.ts";
import type { RequestRule } from "../types.ts";

const withoutProvenance = (n: RuleNode) =>
  JSON.stringify(n, (k, v) => (k === "provenance" ? undefined : v));

/**
 * Drops conditions stated twice, "bought anything in W" when a sibling already requires buying
 * something in W, and "bought X" when a sibling requires buying X in some window.
 */
export function simplifyTree(node: RuleNode): RuleNode {
  if (node.type === "not") return { ...node, child: simplifyTree(node.child) };
  if (node.type !== "and" && node.type !== "or") return node;
  const seen = new Set<string>();
  const children = node.children.map(simplifyTree).filter((c) => {
    const key = withoutProvenance(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (children.length === 1) return children[0]!;
  if (node.type === "or") return { ...node, children };
  const key = (w?: DateWindow) => `${w?.from ?? ""}|${w?.to ?? ""}`;
  const items = (c: RuleNode) =>
    c.type === "behaviour" ? JSON.stringify([c.event, c.item, c.andItems ?? []]) : "";
  const kept = children.filter((c) => {
    if (c.type !== "behaviour" || c.measure !== "exists") return true;
    // "bought X" beside "bought X in W": the dated one says it all.
    if (c.item)
      return !(
        !c.window &&
        children.some(
          (o) =>
            o !== c &&
            o.type === "behaviour" &&
            o.measure === "exists" &&
            o.window &&
            items(o) === items(c),
        )
      );
    // A sibling that counts customers with no orders as 0 does not require buying. Two
    // "bought anything in W" stated in different words ("Valentine's Day 2011 (on 14 Feb)")
    // are one: the first stays.
    const same = (o: RuleNode) =>
      o.type === "behaviour" && o.measure === "exists" && !o.item && !o.andItems;
    return !children.some(
      (o, j) =>
        o !== c &&
        o.type === "behaviour" &&
        !o.zeroIfNone &&
        o.event === c.event &&
        key(o.window) === key(c.window) &&
        (!same(o) || j < children.indexOf(c)),
    );
  });
  return kept.length === 1 ? kept[0]! : { ...node, children: kept };
}

export const simplify: RequestRule = {
  name: "simplify",
  doc: "Duplicates go, and so does 'bought anything in W' beside 'bought X in W'.",
  applies: (r) => r.root !== null,
  apply(r) {
    r.root = simplifyTree(r.root!);
  },
};
