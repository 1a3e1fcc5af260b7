/**
 * The contract of Direct Segment Editing: an edit is a list of operations on the current rule
 * tree (addressed by paths), its result is a new tree plus a diff, and every accepted result is
 * a version of the segment's lineage.
 */
import { z } from "zod";
import { Comparison, DateWindow, Provenance, RuleNode, SegmentDefinition } from "./segment.ts";

/**
 * Where a node sits in a rule tree: child indices from the root (`[]` is the root itself;
 * `[1, 0]` is the first child of the root's second child; a NOT's child is index 0).
 */
export const NodePath = z.array(z.number().int().nonnegative());
export type NodePath = z.infer<typeof NodePath>;

export const EditOp = z.discriminatedUnion("op", [
  /** AND a new condition (or group) with the segment. */
  z.object({ op: z.literal("add"), node: RuleNode }),
  /** AND NOT: leave out the customers the node matches. */
  z.object({ op: z.literal("exclude"), node: RuleNode, provenance: Provenance.optional() }),
  /** Drop a condition or group. */
  z.object({ op: z.literal("remove"), path: NodePath }),
  /** Drop the date window of a behavioural condition, keeping the rest of it. */
  z.object({ op: z.literal("strip_window"), path: NodePath }),
  /**
   * New value set for an attribute (`item` absent) or for one item filter of a behavioural
   * condition (`item` = its index among the condition's item filters).
   */
  z.object({
    op: z.literal("set_values"),
    path: NodePath,
    item: z.number().int().nonnegative().optional(),
    values: z.array(z.string()).min(1),
    /** For attributes: in / not_in after the change (default: unchanged). */
    negate: z.boolean().optional(),
    provenance: Provenance.optional(),
  }),
  /** New threshold of an aggregate condition. */
  z.object({
    op: z.literal("set_comparison"),
    path: NodePath,
    comparison: Comparison,
    provenance: Provenance.optional(),
  }),
  /** New window of a behavioural or recency condition. */
  z.object({
    op: z.literal("set_window"),
    path: NodePath,
    window: DateWindow,
    provenance: Provenance.optional(),
  }),
  /** Put another node in the place of one. */
  z.object({ op: z.literal("replace"), path: NodePath, node: RuleNode }),
  /** Make an earlier version's definition current again. */
  z.object({
    op: z.literal("restore"),
    version: z.number().int().positive(),
    reason: z.enum(["undo", "redo", "revert"]),
  }),
]);
export type EditOp = z.infer<typeof EditOp>;

export const VersionKind = z.enum(["create", "edit", "undo", "redo", "revert"]);
export type VersionKind = z.infer<typeof VersionKind>;

/** One condition in a diff, in plain words with the user's span it came from. */
export const DiffItem = z.object({
  description: z.string(),
  span: z.string(),
  /** True when the condition sits under a NOT (it excludes customers). */
  excluded: z.boolean(),
});
export type DiffItem = z.infer<typeof DiffItem>;

export const SegmentDiff = z.object({
  added: z.array(DiffItem),
  removed: z.array(DiffItem),
  changed: z.array(
    z.object({
      before: DiffItem,
      after: DiffItem,
      /** What changed, in words: "values France → Germany", "window …". */
      what: z.array(z.string()),
    }),
  ),
  /** Conditions present, unchanged, on both sides. */
  unchanged: z.number().int().nonnegative(),
  fromVersion: z.number().int().positive().nullable(),
  toVersion: z.number().int().positive().nullable(),
  sizeBefore: z.number().int().nullable(),
  sizeAfter: z.number().int().nullable(),
  /** The whole diff in plain sentences. */
  summary: z.array(z.string()),
});
export type SegmentDiff = z.infer<typeof SegmentDiff>;

/** A verified definition of the thread's segment: what every accepted change produces. */
export const VersionEntry = z.object({
  version: z.number().int().positive(),
  kind: VersionKind,
  /** The user's words that produced it (the request, the edit, "undo"). */
  text: z.string(),
  segment: SegmentDefinition,
  sql: z.object({ text: z.string(), values: z.array(z.unknown()) }),
  size: z.number().int().nullable(),
  explanation: z.array(z.string()),
  /** Against the version before it; null for the first. */
  diff: SegmentDiff.nullable(),
  /** Skills and versions that produced it, e.g. `rules/edit@1`. */
  producer: z.string(),
  /** The registry versions it was made with (skills manifests, glossary): for replay and drift. */
  versions: z.object({ skills: z.number().optional(), glossary: z.number().optional() }).optional(),
  at: z.string(),
});
export type VersionEntry = z.infer<typeof VersionEntry>;

/**
 * The versions of the segment a thread is working on. A new segment in the same thread starts
 * a new lineage (its own id, versions from 1); saving a lineage makes it a saved segment whose
 * `app.segment_versions` are these versions.
 */
export const Lineage = z.object({
  id: z.uuid(),
  versions: z.array(VersionEntry),
  /** Versions an undo goes back to, most recent last. */
  undo: z.array(z.number().int().positive()),
  /** Versions a redo re-applies, most recent last. */
  redo: z.array(z.number().int().positive()),
});
export type Lineage = z.infer<typeof Lineage>;

export function currentVersion(lineage: Lineage | null | undefined): VersionEntry | undefined {
  return lineage?.versions[lineage.versions.length - 1];
}

export function versionOf(
  lineage: Lineage | null | undefined,
  version: number,
): VersionEntry | undefined {
  return lineage?.versions.find((v) => v.version === version);
}

/** An interpretation of an edit: the operations and, for questions, how to describe them. */
export interface EditChoice {
  label: string;
  ops: EditOp[];
  /** The user's own words of the condition this reading is about (for free answers). */
  match?: string;
  /** Choosing it confirms an edit that leaves no customer. */
  confirmsEmpty?: boolean;
}

/** What the edit skill understood of a message against the current segment. */
export interface EditPlan {
  /** The operations, when the edit is clear. */
  ops: EditOp[];
  /** Two or more readings of an ambiguous edit: one question, one option per reading. */
  choices: EditChoice[];
  /** Why the edit cannot apply (nothing it names is in the segment, nothing understood). */
  refusal: { code: string; message: string } | null;
  /** The kind of change, for the version record and the audit. */
  kind: VersionKind;
  confidence: number;
  producer: string;
  /** Rules that fired, in order, for the audit trail. */
  rules: string[];
  /** The user chose this reading (an answer): apply its operations as they are, even none. */
  decided?: boolean;
}
