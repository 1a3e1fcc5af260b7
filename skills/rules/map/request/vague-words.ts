import { conditionsOf } from "../../../../state/segment.ts";
import type { Ambiguity } from "../../../types.ts";
import { EVALUATIVE, LAPSE_WORDS } from "../../lexicon.ts";
import type { RequestRule } from "../types.ts";

const LAPSE_OPTIONS = [
  "who have not ordered in the last 90 days",
  "who have not ordered in the last 6 months",
  "who have not ordered in the last 12 months",
];

const RECENT_OPTIONS = [
  "who ordered in the last 30 days",
  "who ordered in the last 90 days",
  "who ordered in the last 6 months",
];

const FREQUENT_OPTIONS = [
  "with at least 5 orders",
  "with at least 10 orders",
  "with at least 20 orders",
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
  applies: (r) =>
    r.scope.ambiguities.some((a) => a.kind === "unmapped") ||
    r.clauses.some((c) => c.cues.some((x) => x.kind.startsWith("vague-"))),
  apply(r) {
    const leaves = r.root ? conditionsOf(r.root) : [];
    const stated = leaves.some((c) => c.type === "behaviour" && c.comparison);
    const lapseStated = leaves.some((c) => c.type === "recency" && c.which === "last");
    const windowStated = leaves.some(
      (c) => c.type === "recency" || (c.type === "behaviour" && c.window),
    );
    const ordersStated = leaves.some(
      (c) => c.type === "behaviour" && c.comparison && c.measure === "orders",
    );
    // "recent customers", "customers who buy a lot", "likely to churn": a question with
    // thresholds (each option sized when asked) unless the request states one.
    const vague: Ambiguity[] = [];
    for (const clause of r.clauses) {
      for (const cue of clause.cues) {
        const kind = cue.kind;
        if (kind !== "vague-recent" && kind !== "vague-frequent" && kind !== "vague-lapse")
          continue;
        const claimed = [...clause.mentions, ...clause.dates].some(
          (m) => m.start < cue.end && cue.start < m.end,
        );
        if (claimed) continue;
        const settled =
          kind === "vague-recent"
            ? windowStated
            : kind === "vague-frequent"
              ? ordersStated
              : lapseStated;
        if (settled) continue;
        const options =
          kind === "vague-recent"
            ? RECENT_OPTIONS
            : kind === "vague-frequent"
              ? FREQUENT_OPTIONS
              : LAPSE_OPTIONS;
        const question =
          kind === "vague-recent"
            ? `How recent is "${cue.text}"? Pick a period or type your own.`
            : kind === "vague-frequent"
              ? `How many orders is "${cue.text}"? Pick a threshold or type your own.`
              : `How long without an order makes a customer "${cue.text}"?`;
        vague.push({
          key: `vague:${cue.text.toLowerCase()}`,
          kind: "missing_value",
          span: { text: cue.text, start: cue.start, end: cue.end },
          question,
          options: options.map((o) => ({ label: o, replacement: "", append: o })),
        });
      }
    }
    // The vague words' own unmapped questions give way to these.
    r.scope.ambiguities = r.scope.ambiguities.filter(
      (a) =>
        !vague.some(
          (v) => a.kind === "unmapped" && v.span.start <= a.span.start && a.span.end <= v.span.end,
        ),
    );
    r.scope.ambiguities.push(...vague);
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
