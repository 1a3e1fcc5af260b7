import type { RuleNode } from "../../../../state/segment.ts";
import type { RequestRule } from "../types.ts";

/** Clauses joined by "or" bind to the one before them; "and" separates. */
export const combine: RequestRule = {
  name: "combine",
  doc: "'or' joins a clause to the one before it; everything else is ANDed.",
  applies: (r) => r.parts.length > 0,
  apply(r) {
    const conjuncts: RuleNode[][] = [];
    for (const p of r.parts) {
      if (p.connective === "or" && conjuncts.length) conjuncts[conjuncts.length - 1]!.push(p.node);
      else conjuncts.push([p.node]);
    }
    const children = conjuncts.map((c) =>
      c.length === 1 ? c[0]! : ({ type: "or", children: c } as RuleNode),
    );
    const flat = children.flatMap((c) => (c.type === "and" ? c.children : [c]));
    r.root = flat.length === 1 ? flat[0]! : { type: "and", children: flat };
  },
};
