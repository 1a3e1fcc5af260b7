/** Walks over rule trees shared by the mapper's rules. */
import type { RuleNode } from "../../../state/segment.ts";

/** Every node of a tree, depth first. */
export function nodesOf(node: RuleNode | null): RuleNode[] {
  if (!node) return [];
  if (node.type === "and" || node.type === "or") return [node, ...node.children.flatMap(nodesOf)];
  if (node.type === "not") return [node, ...nodesOf(node.child)];
  return [node];
}
