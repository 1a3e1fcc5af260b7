/**
 * What the edit model answers and its strict reading into edit operations: targets are the
 * numbers of the segment's own conditions, values come from the edit's retrieved candidates,
 * windows from its date tags, new conditions are read as the mapper's are (map-answer.ts).
 * The operations must also apply to the segment; anything else makes the answer invalid.
 */
import { z } from "zod";
import { applyOps, EditError, leavesWithPaths } from "../../segment/edit-ops.ts";
import { EditOp, type EditPlan } from "../../state/edit.ts";
import {
  Comparison,
  ComparisonOp,
  type Condition,
  type Provenance,
  type RuleNode,
} from "../../state/segment.ts";
import {
  facetOfKind,
  Invalid,
  MapAnswerCondition,
  pickedValues,
  readCondition,
  spanOf,
  windowOf,
  type ReadContext,
} from "./map-answer.ts";

export const EditAnswerOp = z.object({
  op: z.enum(["add", "exclude", "remove", "set_values", "set_comparison", "set_window"]),
  span: z.string(),
  target: z.number().int().nullable(),
  condition: MapAnswerCondition.nullable(),
  values: z.array(z.string()),
  cmp: ComparisonOp.nullable(),
  value: z.number().nullable(),
  value2: z.number().nullable(),
  dateTag: z.number().int().nullable(),
});
export type EditAnswerOp = z.infer<typeof EditAnswerOp>;

export const EditAnswer = z.object({
  ops: z.array(EditAnswerOp),
  confidence: z.number().min(0).max(1),
  unmapped: z.array(z.string()),
});
export type EditAnswer = z.infer<typeof EditAnswer>;

type Leaf = { path: number[]; condition: Condition };

function targetOf(leaves: Leaf[], o: EditAnswerOp): Leaf {
  const leaf = o.target === null ? undefined : leaves[o.target];
  if (!leaf) throw new Invalid(`${o.op} needs the number of an existing condition`);
  return leaf;
}

function readOp(ctx: ReadContext, leaves: Leaf[], o: EditAnswerOp, confidence: number): EditOp {
  if (o.op === "add" || o.op === "exclude") {
    if (!o.condition) throw new Invalid(`${o.op} needs a condition`);
    const node: RuleNode = readCondition(ctx, o.condition, confidence);
    return { op: o.op, node };
  }
  const { path, condition } = targetOf(leaves, o);
  if (o.op === "remove") return { op: "remove", path };
  const provenance: Provenance = {
    ...spanOf(ctx.text, o.span),
    source: o.op === "set_values" ? "catalog" : "inferred",
    confidence,
    producer: ctx.producer,
    ...(ctx.version ? { version: ctx.version } : {}),
  };
  if (o.op === "set_values") {
    if (condition.type === "attribute") {
      const facet = facetOfKind(ctx, condition.facet, "attribute");
      return { op: "set_values", path, values: pickedValues(ctx, facet, o.values), provenance };
    }
    if (condition.type === "behaviour" && condition.item) {
      const facet = facetOfKind(ctx, condition.item.facet, "item");
      return {
        op: "set_values",
        path,
        item: 0,
        values: pickedValues(ctx, facet, o.values),
        provenance,
      };
    }
    throw new Invalid(`condition ${o.target} has no values to set`);
  }
  if (o.op === "set_comparison") {
    if (condition.type !== "behaviour" || !condition.comparison) {
      throw new Invalid(`condition ${o.target} compares nothing`);
    }
    const parsed = Comparison.safeParse({
      op: o.cmp,
      value: o.value,
      ...(o.cmp === "between" && o.value2 !== null ? { value2: o.value2 } : {}),
    });
    if (!parsed.success) throw new Invalid(`the new comparison is not valid`);
    return { op: "set_comparison", path, comparison: parsed.data, provenance };
  }
  const window = windowOf(ctx, o.dateTag);
  if (!window || condition.type === "attribute")
    throw new Invalid(`set_window needs a date tag and a dated condition`);
  return { op: "set_window", path, window, provenance };
}

/** The answer as an edit plan for `root`, or every reason it cannot be one. */
export function readEditAnswer(
  answer: EditAnswer,
  root: RuleNode,
  ctx: ReadContext,
): { ok: true; plan: EditPlan } | { ok: false; problems: string[] } {
  if (answer.unmapped.length)
    return { ok: false, problems: answer.unmapped.map((w) => `unmapped: "${w}"`) };
  if (!answer.ops.length) return { ok: false, problems: ["no operations"] };
  const leaves = leavesWithPaths(root);
  const ops: EditOp[] = [];
  const problems: string[] = [];
  for (const o of answer.ops) {
    try {
      ops.push(EditOp.parse(readOp(ctx, leaves, o, answer.confidence)));
    } catch (err) {
      if (err instanceof Invalid) problems.push(err.message);
      else if (err instanceof z.ZodError)
        problems.push(err.issues.map((i) => i.message).join("; "));
      else throw err;
    }
  }
  if (problems.length) return { ok: false, problems };
  try {
    applyOps(root, ops);
  } catch (err) {
    if (err instanceof EditError) return { ok: false, problems: [err.message] };
    throw err;
  }
  return {
    ok: true,
    plan: {
      ops,
      choices: [],
      refusal: null,
      kind: "edit",
      confidence: answer.confidence,
      producer: ctx.producer,
      rules: [],
    },
  };
}
