/**
 * Bring back: "bring the spend filter back", "put the country back", "add the Christmas bit
 * back" — the condition the reference names, from the latest earlier version that had it.
 */
import { conditionsOf } from "../../../../state/segment.ts";
import { plan, refuse, facetNamed, type EditFrame, type EditRule } from "../frame.ts";
import { leavesOf, referencesIn, resolve } from "../targets.ts";

const VERBS = new Set(["bring", "put", "add", "get", "restore", "reinstate"]);

const content = (c: object) => JSON.stringify(c, (k, v) => (k === "provenance" ? undefined : v));

function range(f: EditFrame): { start: number; end: number } | undefined {
  const toks = f.a.tokens;
  const verb = toks.findIndex((t) => VERBS.has(t.lower));
  if (verb < 0) return undefined;
  const back = toks.findIndex((t, i) => i > verb && t.lower === "back");
  if (back < 0) return undefined;
  // "bring back the spend filter" or "bring the spend filter back".
  return back === verb + 1
    ? { start: toks[back]!.end, end: f.text.length }
    : { start: toks[verb]!.end, end: toks[back]!.start };
}

export const bringBack: EditRule = {
  name: "bring-back",
  applies: (f) => range(f) !== undefined,
  apply: (f) => {
    const r = range(f)!;
    const refs = referencesIn(f.a, r, facetNamed(f));
    if (refs.length === 0) return null;
    const now = new Set(conditionsOf(f.base.root).map(content));
    const earlier = [...(f.history.trees ?? [])]
      .filter((t) => t.version !== f.version)
      .sort((a, b) => b.version - a.version);
    for (const tree of earlier) {
      const found = refs.flatMap((ref) => resolve(ref, leavesOf(tree.root))).map((t) => t.leaf);
      const gone = found.filter((l) => !now.has(content(l.condition)));
      if (gone.length === 0) continue;
      const node = gone[0]!.negated
        ? { type: "not" as const, child: gone[0]!.condition }
        : gone[0]!.condition;
      return plan("bring-back", "edit", [{ op: "add", node }]);
    }
    return refuse(
      "bring-back",
      "edit_no_target",
      `No earlier version of this segment has a condition matching "${f.text.slice(r.start, r.end).trim()}".`,
    );
  },
};
