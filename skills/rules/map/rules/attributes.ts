import type { AttributeCondition } from "../../../../state/segment.ts";
import { cuesOf, tokensBetween } from "../clause.ts";
import type { MapRule } from "../types.ts";

/**
 * Attributes: values of one facet in a clause are alternatives (a customer has one country,
 * one age band); different facets must all hold. "outside"/"non-" negate the values they
 * precede; a negated clause with no buying in it negates its attributes.
 */
export const attributes: MapRule = {
  name: "attributes",
  doc: "Values of one attribute facet are alternatives; 'outside', 'non-' and negation exclude them.",
  applies: (c) => c.attrs.length > 0,
  apply(c, f) {
    const clauseNegates = c.negated && !c.buyVerb && !c.items.length && !f.countQuantities.length;
    for (const facet of [...new Set(c.attrs.map((m) => m.facetId))]) {
      const group = c.attrs.filter((m) => m.facetId === facet);
      const first = group[0]!;
      const outside =
        cuesOf(c, "outside").some(
          (cue) =>
            cue.end <= first.start &&
            tokensBetween(c, cue, first).every((t) => t.lower === "of" || t.lower === "the"),
        ) || cuesOf(c, "non").some((cue) => cue.end === first.start);
      const condition: AttributeCondition = {
        type: "attribute",
        facet,
        op: outside || clauseNegates ? "not_in" : "in",
        values: [...new Set(group.flatMap((m) => f.valueExpansions.get(m) ?? [m.value!]))],
        provenance: f.scope.provenance(
          group,
          group.every((m) => m.exact) ? "catalog" : "inferred",
          Math.min(...group.map((m) => m.score)),
        ),
      };
      f.nodes.push(condition);
    }
  },
};
