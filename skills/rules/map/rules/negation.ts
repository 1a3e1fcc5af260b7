import { coordination } from "../clause.ts";
import { negate } from "../negate.ts";
import type { MapRule } from "../types.ts";

/**
 * The clause's behaviour as one node — several item groups are all required, or either when
 * joined by "or" — negated when the clause is ("never", "haven't", "excluding").
 */
export const negation: MapRule = {
  name: "negation",
  doc: "Behaviour of a clause is one node (AND, or OR between 'or'-joined groups), negated with the clause.",
  applies: (_c, f) => f.behaviour.length > 0,
  apply(c, f) {
    const groups = f.itemGroups;
    const orBetween =
      groups.length > 1 &&
      groups.every((g, i) => i === 0 || coordination(c, groups[i - 1]!.at(-1)!, g[0]!) === "or");
    let node =
      f.behaviour.length === 1
        ? f.behaviour[0]!
        : { type: orBetween ? ("or" as const) : ("and" as const), children: f.behaviour };
    if (c.negated) {
      const cue = c.negators[0];
      node = negate(f.scope, node, cue ?? c.seg, cue?.text.toLowerCase() === "never");
    }
    f.behaviour = [node];
  },
};
