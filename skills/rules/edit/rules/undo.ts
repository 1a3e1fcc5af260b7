/** Undo: "undo that", "scratch that", "go back", "the previous version". */
import type { EditFrame } from "../frame.ts";
import { cue, plan, refuse, type EditRule } from "../frame.ts";
import { versionNamed } from "./version-ref.ts";

/** Where an undo goes: the last change taken back, else the version before this one. */
export function undoTarget(f: EditFrame): number | undefined {
  const stacked = f.history.undo[f.history.undo.length - 1];
  if (stacked !== undefined) return stacked;
  const earlier = f.history.versions.filter((v) => v < f.version);
  return earlier[earlier.length - 1];
}

function longer(
  a: { start: number; stop: number } | undefined,
  b: { start: number; stop: number } | undefined,
): boolean {
  if (!a) return false;
  if (!b) return true;
  return a.stop - a.start > b.stop - b.start;
}

export const undo: EditRule = {
  name: "undo",
  applies: (f) => {
    // "put it back" with nothing undone to redo: take back the change that removed it.
    if (cue(f, "restore") && f.history.redo.length === 0) return true;
    const u = cue(f, "undo");
    if (!u) return versionNamed(f) === "previous";
    return longer(u, cue(f, "redo")) && typeof versionNamed(f) !== "number";
  },
  apply: (f) => {
    const target = undoTarget(f);
    if (target === undefined)
      return refuse(
        "undo",
        "nothing_to_undo",
        `There is nothing to undo: this is the first version of the segment.`,
      );
    return plan("undo", "undo", [{ op: "restore", version: target, reason: "undo" }], 1);
  },
};
