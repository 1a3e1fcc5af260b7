/**
 * Edits of saved segments run as turns of a conversation thread: the one the segment was saved
 * from while that thread still works on it, else a new thread (owned by the same tenant) that
 * the turn loads the segment into. Shared by the API's PATCH and revert and the CLI's `edit`
 * and `revert`.
 */
import { getSegment, type SegmentRecord } from "../storage/segments.ts";
import { createThread, getThread } from "../storage/threads.ts";
import type { ConversationStateType } from "../state/conversation-state.ts";
import type { Lineage } from "../state/edit.ts";
import { reportedSession, threadState } from "./run.ts";
import type { Services } from "./services.ts";

export interface EditingThread {
  segment: SegmentRecord;
  threadId: string;
  /** The thread is new: its first turn loads the segment (`command: load`). */
  load: boolean;
}

export class SegmentNotFoundError extends Error {
  constructor(readonly segmentId: string) {
    super(`No segment ${segmentId}.`);
  }
}

/** The segment and the thread its edits run on. */
export async function editingThread(
  services: Services,
  tenantId: string,
  segmentId: string,
): Promise<EditingThread> {
  const pool = services.db.pool;
  const segment = await getSegment(pool, tenantId, segmentId);
  if (!segment) throw new SegmentNotFoundError(segmentId);
  if (segment.threadId) {
    const thread = await getThread(pool, tenantId, segment.threadId);
    if (thread) {
      const { latest } = await threadState(services, thread.id);
      const lineage = (latest.values as { lineage?: { id: string } } | undefined)?.lineage;
      if (lineage?.id === segment.lineageId) return { segment, threadId: thread.id, load: false };
    }
  }
  // The new thread becomes the segment's editing thread with its first version (storage/
  // segments.ts appendVersion), so a refused edit leaves the segment as it was.
  const thread = await createThread(pool, tenantId, { asOf: segment.definition.asOf });
  return { segment, threadId: thread.id, load: true };
}

/** A conversation's current lineage and tenant, when it rests at a verified version. */
export async function savableLineage(
  services: Services,
  threadId: string,
): Promise<{ tenant: string; lineage: Lineage } | null> {
  const { latest, resume } = await threadState(services, threadId);
  const values = ((resume ?? latest).values ?? {}) as Partial<ConversationStateType>;
  if (reportedSession(resume ?? latest, false).phase !== "ready") return null;
  if (!values.lineage?.versions.length || !values.tenant) return null;
  return { tenant: values.tenant, lineage: values.lineage };
}
