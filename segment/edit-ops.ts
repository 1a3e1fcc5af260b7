/**
 * Rule-tree algebra for edits: address nodes by path, and apply a list of edit operations to
 * a tree, immutably. Language never gets here: the edit skill decides the operations, this
 * module only carries them out, the same way every time.
 */
import type { EditOp, NodePath } from "../state/edit.ts";
import {
  itemFiltersOf,
  type BehaviourCondition,
  type Condition,
  type RuleNode,
} from "../state/segment.ts";

export class EditError extends Error {
  constructor(
    message: string,
    readonly code: "bad_path" | "bad_target" | "empty",
  ) {
    super(message);
  }
}

function childrenOf(node: RuleNode): RuleNode[] {
  if (node.type === "and" || node.type === "or") return node.children;
  if (node.type === "not") return [node.child];
  return [];
}

export function nodeAt(root: RuleNode, path: NodePath): RuleNode | undefined {
  let node: RuleNode | undefined = root;
  for (const i of path) {
    node = node ? childrenOf(node)[i] : undefined;
  }
  return node;
}

function withChild(node: RuleNode, index: number, child: RuleNode): RuleNode {
  if (node.type === "and" || node.type === "or") {
    const children = [...node.children];
    children[index] = child;
    return { ...node, children };
  }
  if (node.type === "not" && index === 0) return { ...node, child };
  throw new EditError(`no child ${index} to replace`, "bad_path");
}

export function replaceAt(root: RuleNode, path: NodePath, node: RuleNode): RuleNode {
  if (path.length === 0) return node;
  const [head, ...rest] = path as [number, ...number[]];
  const child = childrenOf(root)[head];
  if (!child) throw new EditError(`no node at ${path.join(".")}`, "bad_path");
  return withChild(root, head, replaceAt(child, rest, node));
}

/** Removes the node at `path`; groups left with one child collapse, empty ones go too. */
export function removeAt(root: RuleNode, path: NodePath): RuleNode | null {
  if (path.length === 0) return null;
  const [head, ...rest] = path as [number, ...number[]];
  const child = childrenOf(root)[head];
  if (!child) throw new EditError(`no node at ${path.join(".")}`, "bad_path");
  const replaced = removeAt(child, rest);
  if (root.type === "not") return replaced === null ? null : { ...root, child: replaced };
  if (root.type !== "and" && root.type !== "or")
    throw new EditError(`no node at ${path.join(".")}`, "bad_path");
  const children =
    replaced === null
      ? root.children.filter((_, i) => i !== head)
      : root.children.map((c, i) => (i === head ? replaced : c));
  if (children.length === 0) return null;
  if (children.length === 1) return children[0]!;
  return { ...root, children };
}

/** ANDs a node with the tree, flattening nested ANDs so the result stays one list. */
export function andWith(root: RuleNode | null, node: RuleNode): RuleNode {
  const parts = (n: RuleNode) => (n.type === "and" ? n.children : [n]);
  if (!root) return node;
  return { type: "and", children: [...parts(root), ...parts(node)] };
}

/** Every leaf condition with its path, depth first (the order explanations list them in). */
export function leavesWithPaths(
  root: RuleNode,
  path: NodePath = [],
  negated = false,
): { path: NodePath; condition: Condition; negated: boolean }[] {
  if (root.type === "and" || root.type === "or")
    return root.children.flatMap((c, i) => leavesWithPaths(c, [...path, i], negated));
  if (root.type === "not") return leavesWithPaths(root.child, [...path, 0], !negated);
  return [{ path, condition: root, negated }];
}

function conditionAt(root: RuleNode, path: NodePath): Condition {
  const node = nodeAt(root, path);
  if (!node || node.type === "and" || node.type === "or" || node.type === "not")
    throw new EditError(`no condition at ${path.join(".")}`, "bad_target");
  return node;
}

function setItemValues(c: BehaviourCondition, item: number, values: string[]): BehaviourCondition {
  const filters = itemFiltersOf(c);
  const target = filters[item];
  if (!target) throw new EditError(`condition has no item filter ${item}`, "bad_target");
  const next = filters.map((f, i) => (i === item ? { ...f, values } : f));
  const [first, ...others] = next;
  return { ...c, item: first, ...(others.length ? { andItems: others } : { andItems: undefined }) };
}

/** Applies one in-place operation (one that keeps the tree's shape). */
function modify(root: RuleNode, op: EditOp): RuleNode {
  switch (op.op) {
    case "replace":
      return replaceAt(root, op.path, op.node);
    case "strip_window": {
      const c = conditionAt(root, op.path);
      if (c.type !== "behaviour" || !c.window)
        throw new EditError(
          "only a dated behavioural condition has a window to drop",
          "bad_target",
        );
      const { window: _dropped, ...rest } = c;
      return replaceAt(root, op.path, rest);
    }
    case "set_window": {
      const c = conditionAt(root, op.path);
      if (c.type === "attribute")
        throw new EditError("a customer attribute has no window", "bad_target");
      const provenance = op.provenance ?? c.provenance;
      return replaceAt(root, op.path, { ...c, window: op.window, provenance });
    }
    case "set_comparison": {
      const c = conditionAt(root, op.path);
      if (c.type !== "behaviour" || !c.comparison)
        throw new EditError("only an aggregate condition has a threshold", "bad_target");
      const provenance = op.provenance ?? c.provenance;
      return replaceAt(root, op.path, { ...c, comparison: op.comparison, provenance });
    }
    case "set_values": {
      const c = conditionAt(root, op.path);
      const provenance = op.provenance ?? c.provenance;
      const values = [...new Set(op.values)];
      if (c.type === "attribute") {
        const negate = op.negate ?? c.op === "not_in";
        return replaceAt(root, op.path, {
          ...c,
          values,
          op: negate ? "not_in" : "in",
          provenance,
        });
      }
      if (c.type === "behaviour")
        return replaceAt(root, op.path, { ...setItemValues(c, op.item ?? 0, values), provenance });
      throw new EditError("a recency condition has no values", "bad_target");
    }
    default:
      throw new EditError(`${op.op} is not an in-place operation`, "bad_target");
  }
}

const samePath = (a: NodePath, b: NodePath) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const within = (path: NodePath, prefix: NodePath) =>
  prefix.length <= path.length && prefix.every((x, i) => x === path[i]);

/** The tree without the nodes at these paths (of the tree as given), groups collapsed after. */
export function removeAll(node: RuleNode, paths: NodePath[], at: NodePath = []): RuleNode | null {
  if (paths.some((p) => samePath(p, at))) return null;
  if (!paths.some((p) => within(p, at))) return node;
  if (node.type === "not") {
    const child = removeAll(node.child, paths, [...at, 0]);
    return child === null ? null : { ...node, child };
  }
  if (node.type !== "and" && node.type !== "or") return node;
  const children = node.children
    .map((c, i) => removeAll(c, paths, [...at, i]))
    .filter((c): c is RuleNode => c !== null);
  if (children.length === 0) return null;
  if (children.length === 1) return children[0]!;
  return { ...node, children };
}

/**
 * Applies the operations to a tree. Paths refer to the tree as given: in-place changes go
 * first, removals next (deepest and last first, so earlier paths stay valid), additions last.
 * `restore` is not a tree operation (it needs the version history) and is refused here.
 */
export function applyOps(root: RuleNode, ops: EditOp[]): RuleNode {
  let tree: RuleNode | null = root;
  for (const op of ops) {
    if (op.op === "restore") throw new EditError("restore needs the version history", "bad_target");
    if (op.op === "add" || op.op === "exclude" || op.op === "remove") continue;
    tree = modify(tree!, op);
  }
  const removals = ops
    .filter((o): o is Extract<EditOp, { op: "remove" }> => o.op === "remove")
    .map((o) => o.path);
  for (const path of removals)
    if (!nodeAt(root, path)) throw new EditError(`no node at ${path.join(".")}`, "bad_path");
  // All at once: removing one child of a pair collapses the pair, which would move the path
  // of the other ("drop the country and the spend").
  if (tree && removals.length) tree = removeAll(tree, removals);
  for (const op of ops) {
    if (op.op === "add") tree = andWith(tree, op.node);
    if (op.op === "exclude")
      tree = andWith(tree, {
        type: "not",
        child: op.node,
        ...(op.provenance ? { provenance: op.provenance } : {}),
      });
  }
  if (!tree) throw new EditError("the edit leaves the segment with no condition", "empty");
  return tree;
}
