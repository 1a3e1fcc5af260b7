import type { RuleNode } from "../../../../state/segment.ts";
import type { ClauseFrame, RequestRule } from "../types.ts";
import { withWindow } from "../windows.ts";

type DateOnly = NonNullable<ClauseFrame["dateOnly"]>;

/**
 * Lays the clauses' conditions out in order. A clause that is only a date re-dates the
 * clause before it ("bought bags, in 2011"), or the one after it when it leads ("who, in Q3
 * 2011, bought lighting"); alone it means bought anything then — or, for new customers,
 * first bought then.
 */
export const datedClauses: RequestRule = {
  name: "dated-clauses",
  doc: "Conditions in clause order; a date-only clause dates its neighbour or means 'active then'.",
  applies: (r) => r.results.length > 0,
  apply(r) {
    const { scope } = r;
    let previous: RuleNode[] = [];
    let pending: (DateOnly & { connective: "and" | "or" }) | undefined;
    const activeIn = (d: DateOnly): RuleNode => {
      const provenance = scope.provenance(
        d.parts,
        r.newCustomers ? "inferred" : "default",
        d.confidence * 0.9,
      );
      const node: RuleNode =
        r.newCustomers && !r.newConsumed
          ? { type: "recency", which: "first", window: d.window, provenance }
          : { type: "behaviour", event: "order", window: d.window, measure: "exists", provenance };
      r.newConsumed ||= Boolean(r.newCustomers);
      return node;
    };
    const last = r.results.at(-1);
    for (const result of r.results) {
      const seg = result.clause.seg;
      let nodes = result.nodes;
      if (result.dateOnly) {
        const window = result.dateOnly.window;
        const dated = previous.map((n) => withWindow(n, window));
        if (!r.newCustomers && dated.some((n, i) => n !== previous[i])) {
          for (const [i, n] of dated.entries()) {
            const at = r.parts.findIndex((p) => p.node === previous[i]);
            if (at >= 0) r.parts[at] = { ...r.parts[at]!, node: n };
          }
          previous = dated;
          continue;
        }
        if (!r.newCustomers && result !== last) {
          pending = { ...result.dateOnly, connective: seg.connective };
          continue;
        }
        nodes = [activeIn(result.dateOnly)];
      } else if (pending && nodes.length) {
        const window = pending.window;
        const dated = nodes.map((n) => withWindow(n, window));
        if (dated.some((n, i) => n !== nodes[i])) nodes = dated;
        else r.parts.push({ connective: pending.connective, node: activeIn(pending) });
        pending = undefined;
      }
      nodes.forEach((node, i) =>
        r.parts.push({ connective: i === 0 ? seg.connective : "and", node }),
      );
      if (nodes.length) previous = nodes;
    }
    if (pending) r.parts.push({ connective: pending.connective, node: activeIn(pending) });
  },
};
