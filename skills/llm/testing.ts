/**
 * Test support for the LLM tier: a model's map answer condition with every field empty, which
 * a test spreads and fills in with only what its case is about.
 */
import type { MapAnswerCondition } from "./map-answer.ts";

export const BLANK_CONDITION: MapAnswerCondition = {
  span: "",
  kind: "attribute",
  negated: false,
  facet: null,
  values: [],
  event: null,
  items: [],
  measure: null,
  op: null,
  value: null,
  value2: null,
  dateTag: null,
};
