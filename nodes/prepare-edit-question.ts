/**
 * Prepare edit question: an edit that can be read more than one way ("drop the date" when two
 * conditions have dates), that contradicts the segment, or that would leave no customer gets
 * one question. Each option is a complete candidate segment with the size it would give.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext, tenantOf } from "../state/context.ts";
import type { DseStateType, DseUpdate } from "../state/conversation-state.ts";
import type { EditChoice } from "../state/edit.ts";
import type { Clarification } from "../state/graph-state.ts";
import { conditionsOf, type Condition, type RuleNode } from "../state/segment.ts";
import { describeCondition } from "../segment/explain.ts";
import { applyOps, leavesWithPaths, removeAt } from "../segment/edit-ops.ts";
import { compileSegment } from "../warehouse/compile.ts";

const content = (c: Condition) => JSON.stringify({ ...c, provenance: undefined });

/** Choices for a contradiction between the segment and the edit: keep one side or the other. */
function contradictionChoices(
  state: DseStateType,
  describe: (c: Condition) => string,
): EditChoice[] | null {
  const finding = (state.findings ?? []).find(
    (f) => f.code === "contradiction" && f.parts?.length === 2,
  );
  if (!finding || !state.draft || !state.baseSegment) return null;
  const baseLeaves = new Set(conditionsOf(state.baseSegment.root).map(content));
  const leaves = leavesWithPaths(state.draft);
  const conflicting = finding.parts!.map((p) =>
    leaves.find(
      (l) =>
        l.condition.provenance.start === p.start &&
        l.condition.provenance.end === p.end &&
        l.condition.provenance.span === p.text,
    ),
  );
  if (conflicting.some((l) => !l)) return null;
  const choices: EditChoice[] = [];
  for (const keep of conflicting) {
    const drop = conflicting.find((l) => l !== keep)!;
    const tree = removeAt(state.draft, drop.path);
    if (!tree) continue;
    const isOld = baseLeaves.has(content(keep!.condition));
    choices.push({
      label: isOld
        ? `Keep "${describe(keep!.condition)}" (leave the segment as it is)`
        : `Use "${describe(keep!.condition)}" instead of "${describe(drop.condition)}"`,
      ops:
        isOld && !conflicting.some((l) => !baseLeaves.has(content(l!.condition)) && l !== drop)
          ? []
          : [{ op: "replace", path: [], node: tree }],
      match: keep!.condition.provenance.span,
    });
  }
  return choices.length === 2 ? choices : null;
}

export async function prepareEditQuestion(
  state: DseStateType,
  config: LangGraphRunnableConfig,
): Promise<DseUpdate> {
  const ctx = requireContext(config);
  const tenant = tenantOf(ctx, state.tenant);
  const base = state.baseSegment;
  if (!base) throw new Error("prepareEditQuestion needs the current version");
  const describe = (c: Condition) => describeCondition(c, tenant.catalog);
  const sizeOf = async (root: RuleNode) =>
    ctx.warehouse.size(compileSegment(root, tenant.binding)).catch(() => undefined);
  const { result, audit } = await timed(
    "prepareEditQuestion",
    async (): Promise<{ question: Clarification; choices: EditChoice[] }> => {
      const turn = `${state.baseVersion ?? 0}:${(state.editPlan?.rules ?? []).length}`;
      if (state.status === "ok" && state.size === 0) {
        const choices: EditChoice[] = [
          {
            label: "Apply it anyway (0 customers)",
            ops: state.editPlan?.ops ?? [],
            confirmsEmpty: true,
          },
          {
            label: `Keep version ${state.baseVersion} (${state.baseSize ?? "?"} customers)`,
            ops: [],
          },
        ];
        return {
          choices,
          question: {
            key: `confirm:${turn}`,
            flow: "edit",
            question: `After this edit no customer matches the segment (it has ${state.baseSize ?? "?"} now). Apply it anyway?`,
            options: choices.map((c, i) => ({
              label: c.label,
              request: state.request,
              pick: i,
              size: i === 0 ? 0 : (state.baseSize ?? undefined),
            })),
          },
        };
      }
      const contradiction = contradictionChoices(state, describe);
      const choices = contradiction ?? state.editChoices ?? [];
      const question = contradiction
        ? `${(state.findings ?? []).find((f) => f.code === "contradiction")!.message} Which one should the segment keep?`
        : `"${state.request}" could mean more than one thing. Which did you mean?`;
      const options = await Promise.all(
        choices.map(async (c, i) => {
          let size: number | undefined;
          try {
            size = await sizeOf(c.ops.length ? applyOps(base.root, c.ops) : base.root);
          } catch {
            size = undefined;
          }
          return {
            label: c.label,
            request: state.request,
            pick: i,
            ...(c.match ? { match: c.match } : {}),
            ...(size !== undefined ? { size } : {}),
          };
        }),
      );
      return { choices, question: { key: `edit:${turn}`, flow: "edit", question, options } };
    },
    (r) => ({ key: r.question.key, options: r.question.options.length }),
  );
  return {
    pendingQuestion: result.question,
    editChoices: result.choices,
    status: "needs_clarification",
    audit,
  };
}
