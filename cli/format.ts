/** The readable report of `segment create`. */
import type { RunResult } from "../runtime/run.ts";

export function formatResult(r: RunResult, withMembers: boolean): string {
  const out: string[] = [];
  if (r.status === "rejected") {
    out.push(`Rejected: ${r.message}`);
    if (r.version !== null)
      out.push(`The segment stays at version ${r.version} (${r.size} customers).`);
  } else if (r.status === "needs_clarification" && r.clarification) {
    out.push(`Needs clarification: ${r.clarification.question}`);
    r.clarification.options.forEach((o, i) => {
      out.push(`  ${i + 1}. ${o.label}${o.size === undefined ? "" : `  (${o.size} customers)`}`);
    });
    out.push("", `Answer with: segment create --thread ${r.thread_id} --answer "<number or text>"`);
  } else {
    out.push(
      `Segment version ${r.version} (${r.segment?.tenant}, as of ${r.segment?.asOf}): "${r.segment?.request}"`,
      "",
    );
    if (r.diff) out.push("Changes:", ...r.diff.summary.map((l) => `  ${l}`), "");
    out.push(...r.explanation.map((l) => `  ${l}`), "");
    out.push("SQL:", `  ${r.sql}`, `  params: ${JSON.stringify(r.params)}`, "");
    out.push(`Size: ${r.size} customers`);
    if (withMembers && r.members) out.push(`Members: ${r.members.join(", ")}`);
  }
  if (r.suggestions.length > 0) {
    out.push("", "Similar saved segments:");
    for (const s of r.suggestions)
      out.push(
        `  "${s.name}" (${s.size ?? "?"} customers, ${s.segmentId}, score ${s.score.toFixed(2)}): ${s.request}`,
      );
  }
  out.push(`Thread: ${r.thread_id}`);
  if (r.status === "ok")
    out.push(
      `Follow up with: segment create --thread ${r.thread_id} "<edit, e.g. drop the country filter>"`,
    );
  return `${out.join("\n")}\n`;
}
