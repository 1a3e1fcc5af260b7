/**
 * Negation of a clause's behaviour. Per the data contract a lapse ("have not purchased in the
 * last 90 days", "nothing since June") means the customer has orders and the latest is before
 * the boundary, so an open-ended negated existence becomes a last-purchase condition; "never
 * bought X" means no line for X at all, cancelled ones included.
 */
import type { RecencyCondition, RuleNode } from "../../../state/segment.ts";
import type { MapScope, Span } from "./types.ts";

function neverAnyLine(node: RuleNode): RuleNode {
  if (node.type === "behaviour" && node.event === "order" && node.measure === "exists" && node.item)
    return { ...node, event: "line" };
  if (node.type === "and" || node.type === "or")
    return { ...node, children: node.children.map(neverAnyLine) };
  return node;
}

/** `cue` is the negator (or the clause when a connective negates it); `never` is "never". */
export function negate(scope: MapScope, node: RuleNode, cue: Span, never: boolean): RuleNode {
  if (never) node = neverAnyLine(node);
  if (
    node.type === "behaviour" &&
    node.event === "order" &&
    node.measure === "exists" &&
    !node.item &&
    node.window?.from &&
    (!node.window.to || node.window.to >= scope.ctx.dates.asOf)
  ) {
    const recency: RecencyCondition = {
      type: "recency",
      which: "last",
      window: { to: node.window.from, label: `no order on or after ${node.window.from}` },
      provenance: {
        ...node.provenance,
        ...scope.spanOf([node.provenance, cue]),
        source: "inferred",
      },
    };
    return recency;
  }
  return { type: "not", child: node, provenance: scope.provenance([cue], "inferred", 0.95) };
}
