import type { Provenance, RuleNode } from "../../../../state/segment.ts";
import type { Mention } from "../../../types.ts";
import type { MapRule } from "../types.ts";
import { withWindow } from "../windows.ts";

/** Every provenance of the tree points at the user's word and cites the entry. */
function cite(node: RuleNode, m: Mention, term: string, version: number): RuleNode {
  const own = (p: Provenance): Provenance => ({
    ...p,
    span: m.text,
    start: m.start,
    end: m.end,
    source: "glossary",
    glossary: { term, version },
  });
  if (node.type === "and" || node.type === "or")
    return { ...node, children: node.children.map((c) => cite(c, m, term, version)) };
  if (node.type === "not")
    return {
      ...node,
      child: cite(node.child, m, term, version),
      ...(node.provenance ? { provenance: own(node.provenance) } : {}),
    };
  return { ...node, provenance: own(node.provenance) };
}

/**
 * "VIPs in Germany", "overseas repeat buyers", "Millennials in the Midlands": a tenant glossary
 * term stands for the conditions of its expansion; they keep the user's word as their span and
 * cite the entry and its version. A negated clause negates them; its window dates them.
 */
export const glossaryTerms: MapRule = {
  name: "glossary-terms",
  doc: "A glossary term is its entry's conditions, spanned on the user's word, citing the entry.",
  applies: (c) => c.terms.length > 0,
  apply(c, f) {
    const negates = c.negated && !c.buyVerb && !c.items.length && !f.countQuantities.length;
    for (const m of c.terms) {
      const entry = f.scope.ctx.tenant.glossary.find((g) => g.term === m.value);
      const tree = entry && f.scope.expansion(entry);
      if (!entry || !tree) {
        f.scope.ambiguities.push({
          key: `glossary:${m.text.toLowerCase()}`,
          kind: "unmapped",
          span: { text: m.text, start: m.start, end: m.end },
          question: `The glossary defines "${m.text}" as ${entry?.meaning ?? "something"}, but I could not turn that into conditions. What should it mean here?`,
          options: [{ label: `Ignore "${m.text}"`, replacement: "" }],
        });
        continue;
      }
      let node = cite(tree, m, entry.term, entry.version ?? 1);
      if (f.window) node = withWindow(node, f.window);
      if (negates) {
        node =
          node.type === "attribute"
            ? { ...node, op: node.op === "in" ? "not_in" : "in" }
            : {
                type: "not",
                child: node,
                provenance: f.scope.provenance([c.negators[0] ?? m], "inferred", 0.95),
              };
      }
      f.scope.confidence = Math.min(f.scope.confidence, 0.95);
      f.nodes.push(node);
    }
  },
};
