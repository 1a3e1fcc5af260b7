/**
 * Commit version: the turn produced a verified, sized segment. A creation starts a new lineage
 * at version 1; an edit, undo, redo or revert appends the next version (with its diff) and
 * moves the undo and redo stacks. A lineage that was saved records the version in the store
 * too — one writer per version, so a concurrent edit of the same segment fails here instead
 * of writing a duplicate. An edit that changed nothing writes no version. Memory learns from
 * the turn: a creation is recalled among the user's recent segments, and an edit made right
 * after a creation is recorded as corrections (the words changed → what they should have meant).
 * A failed memory write does not fail the turn: it is recorded in the step's audit entry.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { randomUUID } from "node:crypto";
import { failureOf, timed } from "../state/audit-entry.ts";
import { requireContext, runVersionsOf, tenantOf } from "../state/context.ts";
import {
  sessionOf,
  type ConversationStateType,
  type ConversationUpdate,
} from "../state/conversation-state.ts";
import { currentVersion, type Lineage, type VersionEntry } from "../state/edit.ts";
import { conditionsOf, type RuleNode } from "../state/segment.ts";
import { correctionsFromDiff } from "../segment/corrections.ts";
import { memoryFrom, type Correction } from "../state/memory.ts";
import { transition } from "../state/session.ts";

const content = (root: RuleNode) =>
  JSON.stringify(root, (k, v) => (k === "provenance" ? undefined : v));

/** The undo and redo stacks after a change of kind `kind` from version `from`. */
export function stacksAfter(
  lineage: Lineage,
  kind: VersionEntry["kind"],
  from: number,
): Pick<Lineage, "undo" | "redo"> {
  if (kind === "undo") return { undo: lineage.undo.slice(0, -1), redo: [...lineage.redo, from] };
  if (kind === "redo") return { undo: [...lineage.undo, from], redo: lineage.redo.slice(0, -1) };
  return { undo: [...lineage.undo, from], redo: [] };
}

/** What an edit made right after a creation says the creation's words should have meant. */
export function correctionsOf(
  entry: VersionEntry,
  previous: VersionEntry | undefined,
): Correction[] {
  if (!previous || previous.kind !== "create" || entry.kind !== "edit" || !entry.diff) return [];
  return correctionsFromDiff(entry.diff);
}

/** Recent segments and corrections, for the user the turn runs for (nothing without one). */
async function learn(
  config: LangGraphRunnableConfig,
  state: ConversationStateType,
  entry: VersionEntry,
  previous: VersionEntry | undefined,
): Promise<void> {
  const memory = requireContext(config).memory;
  const { subject } = memoryFrom(config.configurable, state.tenant);
  if (!memory || !subject.user) return;
  const threadId = String(config.configurable?.thread_id ?? "");
  if (entry.kind === "create") {
    await memory.recordSegment(subject, {
      threadId,
      version: entry.version,
      request: entry.text,
      size: entry.size,
      explanation: entry.explanation,
    });
  }
  const corrections = correctionsOf(entry, previous);
  if (corrections.length)
    await memory.recordCorrections(subject, threadId, corrections, {
      request: previous!.text,
      target: entry.segment,
    });
}

export async function commitVersion(
  state: ConversationStateType,
  config: LangGraphRunnableConfig,
): Promise<ConversationUpdate> {
  const ctx = requireContext(config);
  const session = sessionOf(state);
  if (!state.segment || !state.sql) throw new Error("commitVersion needs a finished segment");
  const creating = session.phase === "understanding";
  const previous = creating ? undefined : currentVersion(state.lineage);
  const { result, audit } = await timed(
    "commitVersion",
    async () => {
      if (previous && content(previous.segment.root) === content(state.segment!.root))
        return { lineage: state.lineage!, entry: previous, changed: false };
      const lineage: Lineage =
        creating || !state.lineage
          ? { id: randomUUID(), versions: [], undo: [], redo: [] }
          : state.lineage;
      const kind = creating ? "create" : (state.editKind ?? "edit");
      const entry: VersionEntry = {
        version: (currentVersion(lineage)?.version ?? 0) + 1,
        kind,
        text: state.message || state.request,
        segment: state.segment!,
        sql: state.sql!,
        size: state.size,
        explanation: state.explanation ?? [],
        diff: state.diff
          ? { ...state.diff, toVersion: (currentVersion(lineage)?.version ?? 0) + 1 }
          : null,
        producer: [
          ...new Set(conditionsOf(state.segment!.root).map((c) => c.provenance.producer)),
        ].join(" + "),
        versions: runVersionsOf(tenantOf(ctx, state.tenant)),
        at: new Date().toISOString(),
      };
      const saved = ctx.segments ? await ctx.segments.byLineage(state.tenant, lineage.id) : null;
      // The store refuses a version someone else wrote first (VersionConflictError).
      if (saved) {
        const threadId = String(config.configurable?.thread_id ?? "");
        const actor = config.configurable?.actor;
        await ctx.segments!.appendVersion(state.tenant, saved.segmentId, entry, {
          threadId,
          ...(typeof actor === "string" ? { actor } : {}),
          ...(config.signal ? { signal: config.signal } : {}),
        });
      }
      const stacks = previous
        ? stacksAfter(lineage, kind, previous.version)
        : { undo: [], redo: [] };
      return {
        lineage: { ...lineage, versions: [...lineage.versions, entry], ...stacks },
        entry,
        changed: true,
      };
    },
    (r) => ({
      version: r.entry.version,
      kind: r.entry.kind,
      changed: r.changed,
      size: r.entry.size,
    }),
  );
  // Memory is best effort: the version is made either way; a failed write is audited.
  const memoryError = result.changed
    ? await failureOf(learn(config, state, result.entry, previous))
    : undefined;
  return {
    lineage: result.lineage,
    session: transition(session, "succeed", result.entry.version),
    status: "ok",
    turns: [
      ...(state.turns ?? []),
      {
        turn: state.turn ?? 1,
        message: state.message ?? "",
        intent: state.intent?.intent ?? "command",
        outcome: result.changed ? "version" : "unchanged",
        version: result.entry.version,
        at: new Date().toISOString(),
      },
    ],
    audit: memoryError ? audit.map((a) => ({ ...a, detail: { ...a.detail, memoryError } })) : audit,
  };
}
