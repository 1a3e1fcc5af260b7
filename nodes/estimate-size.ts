/** Estimate size: execute the compiled segment (read-only) and count its members. */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { timed } from "../state/audit-entry.ts";
import { requireContext } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";

export async function estimateSize(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  if (!state.sql) throw new Error("estimateSize needs compiled SQL");
  const sql = state.sql;
  const { result, audit } = await timed(
    "estimateSize",
    () => ctx.warehouse.size(sql),
    (n) => ({ size: n }),
  );
  return { size: result, status: "ok", audit };
}
