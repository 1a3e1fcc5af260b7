/**
 * Apply edit: carry out the edit's operations on the current version's rule tree (or restore
 * an earlier version's), giving the draft that validation checks like any creation's.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import type { DseStateType, DseUpdate } from "../state/conversation-state.ts";
import { versionOf } from "../state/edit.ts";
import type { RuleNode } from "../state/segment.ts";
import { applyOps, EditError } from "../segment/edit-ops.ts";

export async function applyEdit(
  state: DseStateType,
  _config: LangGraphRunnableConfig,
): Promise<DseUpdate> {
  const plan = state.editPlan;
  const base = state.baseSegment;
  if (!plan || !base) throw new Error("applyEdit needs an edit plan and the current version");
  const { result, audit } = await timed(
    "applyEdit",
    (): { draft: RuleNode } | { error: { code: string; message: string } } => {
      const restore = plan.ops.find((o) => o.op === "restore");
      if (restore && restore.op === "restore") {
        const earlier = versionOf(state.lineage, restore.version);
        if (!earlier)
          return {
            error: { code: "no_such_version", message: `There is no version ${restore.version}.` },
          };
        return { draft: earlier.segment.root };
      }
      try {
        return { draft: applyOps(base.root, plan.ops) };
      } catch (err) {
        if (!(err instanceof EditError)) throw err;
        return {
          error: {
            code: err.code === "empty" ? "edit_empties_segment" : "edit_not_applicable",
            message:
              err.code === "empty"
                ? "That edit would leave the segment with no condition. Say which condition to keep, or start a new segment."
                : `That edit does not fit the segment: ${err.message}.`,
          },
        };
      }
    },
    (r) => ("error" in r ? { error: r.error.code } : { ops: plan.ops.map((o) => o.op) }),
  );
  if ("error" in result) return { status: "rejected", rejection: result.error, audit };
  return { draft: result.draft, findings: [], audit };
}
