/** Reject: end the run with a reason when the request cannot be turned into a segment. */
import { auditEntry, type NscStateType, type NscUpdate } from "../state/graph-state.ts";

export async function reject(state: NscStateType): Promise<NscUpdate> {
  const errors = (state.findings ?? []).filter((f) => f.severity === "error");
  const rejection = state.rejection ?? {
    code: errors[0]?.code ?? "unresolved",
    message:
      errors.map((f) => f.message).join(" ") ||
      "The request could not be turned into a valid segment.",
  };
  return {
    status: "rejected",
    rejection,
    audit: [auditEntry("reject", 0, { code: rejection.code })],
  };
}
