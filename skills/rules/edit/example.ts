/**
 * The shape of an edit rule's examples, and running one: a request builds the base segment,
 * the edit is understood against it by the rules tier, and the plan (or the tree it gives) is
 * checked against what the example says.
 */
import type { EditPlan } from "../../../state/edit.ts";
import type { RuleNode, SegmentDefinition } from "../../../state/segment.ts";
import type { EditInput } from "../../types.ts";
import { applyOps } from "../../../segment/edit-ops.ts";
import { rulesSkills } from "../index.ts";
import { parseRequest, skillContext, testTenant, type TestTenantId } from "../testing.ts";
import { normaliseRequest } from "../text.ts";
import { understandEdit } from "./index.ts";

export interface EditExample {
  /** The request the segment was created from. */
  base: string;
  /** The edit as a user types it. */
  edit: string;
  tenant?: TestTenantId;
  /** The segment's version and history (default: version 1, nothing to undo or redo). */
  version?: number;
  history?: EditInput["history"];
  /** A fragment some node of the edited tree matches. */
  has?: unknown;
  /** A fragment no node of the edited tree may match. */
  lacks?: unknown;
  /** A pattern the edited tree's root matches. */
  root?: unknown;
  /** The edit is refused with this code (nothing changes). */
  refuses?: string;
  /** The edit is ambiguous: one question with this many readings. */
  asks?: number;
  /** The edit restores this version. */
  restores?: number;
}

export interface EditOutcome {
  plan: EditPlan;
  base: RuleNode;
  /** The tree after the edit, when it has operations on the tree. */
  tree: RuleNode | null;
}

const skills = rulesSkills();

export async function runEditExample(ex: EditExample): Promise<EditOutcome> {
  const tenant = testTenant(ex.tenant ?? "online-retail");
  const parsed = parseRequest(ex.base, { tenant: ex.tenant });
  if (!parsed.root) throw new Error(`base "${ex.base}" does not map: ${parsed.rejection ?? ""}`);
  const version = ex.version ?? 1;
  const base: SegmentDefinition = {
    version: 1,
    tenant: tenant.config.tenant,
    asOf: tenant.config.asOf,
    request: parsed.text,
    root: parsed.root,
  };
  const plan = await understandEdit(
    {
      text: normaliseRequest(ex.edit),
      base,
      version,
      history: ex.history ?? { versions: [version], undo: [], redo: [] },
    },
    skillContext(tenant),
    skills,
  );
  const onTree = plan.ops.length > 0 && !plan.ops.some((o) => o.op === "restore");
  return { plan, base: parsed.root, tree: onTree ? applyOps(parsed.root, plan.ops) : null };
}
