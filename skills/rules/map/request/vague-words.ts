import { conditionsOf } from "../../../../state/segment.ts";
import { EVALUATIVE, LAPSE_WORDS } from "../../lexicon.ts";
import type { RequestRule } from "../types.ts";

const LAPSE_OPTIONS = [
  "who have not ordered in the last 90 days",
  "who have not ordered in the last 6 months",
  "who have not ordered in the last 12 months",
];

const EVALUATIVE_OPTIONS = [
  "who spent more than £1,000",
  "who spent more than £5,000",
  "who placed at least 10 orders",
];

/**
 * Words that describe a measure without a threshold ("high spenders", "lapsed"): redundant
 * when the request states one, otherwise a question with thresholds to pick from.
 */
export const vagueWords: RequestRule = {
  name: "vague-words",
  doc: "Evaluative and lapse words are redundant beside a stated threshold, else a question with thresholds.",
  applies: (r) => r.scope.ambiguities.some((a) => a.kind === "unmapped"),
  apply(r) {
    const leaves = r.root ? conditionsOf(r.root) : [];
    const stated = leaves.some((c) => c.type === "behaviour" && c.comparison);
    const lapseStated = leaves.some((c) => c.type === "recency" && c.which === "last");
    r.scope.ambiguities = r.scope.ambiguities.flatMap((a) => {
      const words = a.span.text.toLowerCase().split(/[\s-]+/);
      if (a.kind === "unmapped" && words.every((w) => LAPSE_WORDS.has(w))) {
        if (lapseStated) return [];
        return [
          {
            ...a,
            question: `How long without an order makes a customer "${a.span.text}"?`,
            options: LAPSE_OPTIONS.map((o) => ({ label: o, replacement: "", append: o })),
          },
        ];
      }
      if (a.kind !== "unmapped" || !words.every((w) => EVALUATIVE.has(w))) return [a];
      // "High spenders who spent £10k+": the threshold is stated, the adjective adds nothing.
      if (stated) return [];
      return [
        {
          ...a,
          question: `What makes a customer "${a.span.text}"? Pick a threshold or type your own.`,
          options: EVALUATIVE_OPTIONS.map((o) => ({ label: o, replacement: "", append: o })),
        },
      ];
    });
  },
};
