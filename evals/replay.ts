/**
 * Replay for drift: every saved segment keeps its request; replaying those requests through
 * the current graph, at the as-of date they were made at, shows which segments a model,
 * skill or catalog change would now define or size differently.
 */
import { runRequest } from "../runtime/run.ts";
import { listVersions } from "../storage/segments.ts";
import type { Services } from "../runtime/services.ts";
import { runVersionsOf, type RunVersions } from "../state/context.ts";
import { SegmentDefinition, type RuleNode } from "../state/segment.ts";

export interface ReplayResult {
  id: string;
  tenant: string;
  name: string | null;
  request: string;
  /** "same", "changed" (definition or size), or "failed" (no longer an ok segment). */
  verdict: "same" | "changed" | "failed";
  definitionChanged: boolean;
  sizeBefore: number | null;
  sizeAfter: number | null;
  /** The run's status and message when it did not produce a segment. */
  detail?: string;
  /**
   * The registry versions (skills manifests, glossary) the saved segment's latest version was
   * made with (null when it predates the registry), and the ones the replay ran with.
   */
  versions?: { saved: RunVersions | null; now: RunVersions };
}

/** The tree without provenance: where a condition came from is not what it means. */
export function canonicalTree(root: RuleNode): string {
  return JSON.stringify(root, (key, value: unknown) => (key === "provenance" ? undefined : value));
}

export async function replaySegments(
  services: Services,
  opts: { tenant?: string; onResult?: (r: ReplayResult) => void } = {},
): Promise<ReplayResult[]> {
  const { rows } = await services.db.pool.query<{
    id: string;
    tenant_id: string;
    name: string | null;
    request: string;
    definition: unknown;
    size: number | null;
  }>(
    `select id, tenant_id, name, request, definition, size from app.segments
      where ($1::text is null or tenant_id = $1) order by created_at, id`,
    [opts.tenant ?? null],
  );
  const results: ReplayResult[] = [];
  for (const row of rows) {
    const before = SegmentDefinition.safeParse(row.definition);
    const base = {
      id: row.id,
      tenant: row.tenant_id,
      name: row.name,
      request: row.request,
      sizeBefore: row.size,
    };
    let result: ReplayResult;
    if (!services.tenants.has(row.tenant_id)) {
      result = {
        ...base,
        verdict: "failed",
        definitionChanged: true,
        sizeAfter: null,
        detail: `tenant ${row.tenant_id} is not served`,
      };
    } else {
      // An edited segment is replayed as the conversation that made it: request, then edits.
      const saved = await listVersions(services.db.pool, row.tenant_id, row.id);
      const edits = saved.filter((v) => v.kind !== "create").map((v) => v.text);
      const versions = {
        saved: saved[saved.length - 1]?.versions ?? null,
        now: runVersionsOf(services.tenants.get(row.tenant_id)!),
      };
      let run = await runRequest(services, {
        tenant: row.tenant_id,
        asOf: before.success ? before.data.asOf : undefined,
        request: row.request,
      });
      for (const text of edits) {
        if (run.status !== "ok") break;
        run = await runRequest(services, { threadId: run.thread_id, request: text });
      }
      if (run.status !== "ok" || !run.segment) {
        result = {
          ...base,
          verdict: "failed",
          definitionChanged: true,
          sizeAfter: null,
          detail: `${run.status}: ${run.message}`,
          versions,
        };
      } else {
        const definitionChanged =
          !before.success || canonicalTree(before.data.root) !== canonicalTree(run.segment.root);
        const sizeChanged = run.size !== row.size;
        result = {
          ...base,
          verdict: definitionChanged || sizeChanged ? "changed" : "same",
          definitionChanged,
          sizeAfter: run.size,
          versions,
        };
      }
    }
    results.push(result);
    opts.onResult?.(result);
  }
  return results;
}
