import type { BehaviourCondition, RuleNode } from "../../../../state/segment.ts";
import { adjacent, overlaps } from "../clause.ts";
import { itemFilter, windowFor } from "../build.ts";
import { measureFor } from "../measures.ts";
import type { MapRule, Span } from "../types.ts";

/**
 * Aggregates: each comparison becomes one condition on what was bought in the window
 * ("spent over £500", "at least 3 orders", "10+ distinct products"), per item group.
 */
export const aggregates: MapRule = {
  name: "aggregates",
  doc: "Each compared quantity is an aggregate condition on its measure, per item group.",
  applies: (_c, f) => f.countQuantities.length > 0,
  apply(c, f) {
    const { scope } = f;
    for (const q of f.countQuantities) {
      // "at least one but fewer than twenty orders": a bare bound takes its partner's measure.
      const measure =
        measureFor(q, c, scope) ??
        f.countQuantities
          .filter((o) => o !== q && o.unit.length > 0)
          .map((o) => measureFor(o, c, scope))
          .find((m) => m !== undefined);
      if (!measure) {
        scope.ambiguities.push({
          key: `measure:${q.text.toLowerCase()}`,
          kind: "missing_value",
          span: { text: q.text, start: q.start, end: q.end },
          question: `"${q.text}" of what?`,
          options: [
            { label: `${q.text} orders`, replacement: `${q.text} orders` },
            { label: `spent ${q.text} pounds`, replacement: `spent ${q.text} pounds` },
            { label: `${q.text} units`, replacement: `${q.text} units` },
          ],
        });
        continue;
      }
      const comparison = {
        op: q.op,
        value: q.value,
        ...(q.value2 !== undefined ? { value2: q.value2 } : {}),
      };
      // The span is the comparison with the measure word right before it ("spent over £500"),
      // so two comparisons in one clause keep apart spans.
      const before: Span[] = [...c.measures, ...c.verbs].filter((m) => adjacent(c, m, q));
      const unitEnd = q.tokens[1] + q.unit.length;
      const after = c.measures.filter((m) => {
        const at = c.tokens.findIndex((t) => t.start === m.start);
        return q.unit.length > 0 && at > q.tokens[1] && at <= unitEnd;
      });
      const own = f.quantityWindows?.get(q);
      const parts: Span[] = [
        q,
        ...before,
        ...after,
        ...(own
          ? [own.part]
          : f.windowParts.filter((w) => f.countQuantities.length === 1 || overlaps(w, q))),
      ];
      const groups = f.itemGroups.length ? f.itemGroups : [undefined];
      for (const g of groups) {
        const condition: BehaviourCondition = {
          type: "behaviour",
          event: measure.event,
          ...(g ? itemFilter(g) : {}),
          ...(own ? (own.window ? { window: own.window } : {}) : windowFor(f, g)),
          measure: measure.measure,
          comparison,
          provenance: scope.provenance(
            [...parts, ...(g ?? [])],
            measure.fromCatalog ? "catalog" : "inferred",
            Math.min(
              q.confidence,
              f.windowConfidence,
              measure.confidence,
              ...(g ?? []).map((m) => m.score),
            ),
          ),
        };
        // "zero orders", "fewer than 1 purchase": a count below one is having none.
        const none =
          measure.facet.type === "number" &&
          ((q.op === "eq" && q.value === 0) ||
            (q.op === "lt" && q.value <= 1) ||
            (q.op === "lte" && q.value < 1));
        if (none) {
          const { comparison: _c, ...rest } = condition;
          f.behaviour.push({
            type: "not",
            child: { ...rest, measure: "exists" },
            provenance: condition.provenance,
          });
        } else f.behaviour.push(condition as RuleNode);
      }
    }
  },
};
