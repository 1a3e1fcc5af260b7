import type { AttributeCondition, RuleNode } from "../../../../state/segment.ts";
import { nodesOf } from "../tree.ts";
import type { RequestRule } from "../types.ts";

/** Values the user stated themselves, per attribute facet ("gold and platinum"). */
function statedValues(root: RuleNode): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const n of nodesOf(root)) {
    if (n.type !== "attribute" || n.op !== "in" || n.provenance.source === "glossary") continue;
    const set = out.get(n.facet) ?? new Set<string>();
    n.values.forEach((v) => set.add(v));
    out.set(n.facet, set);
  }
  return out;
}

function without(node: RuleNode, drop: (c: AttributeCondition) => boolean): RuleNode | null {
  if (node.type === "attribute") return drop(node) ? null : node;
  if (node.type === "not") {
    const child = without(node.child, drop);
    return child ? { ...node, child } : null;
  }
  if (node.type === "and" || node.type === "or") {
    const children = node.children.map((c) => without(c, drop)).filter((c) => c !== null);
    if (children.length === 0) return null;
    return children.length === 1 ? children[0]! : { ...node, children };
  }
  return node;
}

/**
 * "gold and platinum loyalty members": a glossary term never widens values the user stated —
 * its condition on a facet goes when the user already named values of that facet within it.
 */
export const glossaryNarrowing: RequestRule = {
  name: "glossary-narrowing",
  doc: "A glossary condition on a facet the user gave narrower values for gives way to them.",
  applies: (r) =>
    r.root !== null &&
    nodesOf(r.root).some((n) => n.type === "attribute" && n.provenance.source === "glossary"),
  apply(r) {
    const stated = statedValues(r.root!);
    r.root = without(r.root!, (c) => {
      const user = stated.get(c.facet);
      return (
        c.provenance.source === "glossary" &&
        c.op === "in" &&
        user !== undefined &&
        [...user].every((v) => c.values.includes(v))
      );
    });
  },
};
