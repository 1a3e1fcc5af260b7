/** Redo: "redo", "put it back", "reapply that". */
import { cue, plan, refuse, type EditRule } from "../frame.ts";

export const redo: EditRule = {
  name: "redo",
  applies: (f) => {
    if (cue(f, "restore") && f.history.redo.length > 0) return true;
    const r = cue(f, "redo");
    const u = cue(f, "undo");
    return r !== undefined && (!u || r.stop - r.start >= u.stop - u.start);
  },
  apply: (f) => {
    const target = f.history.redo[f.history.redo.length - 1];
    if (target === undefined)
      return refuse(
        "redo",
        "nothing_to_redo",
        "There is nothing to redo: no change has been undone since the last edit.",
      );
    return plan("redo", "redo", [{ op: "restore", version: target, reason: "redo" }], 1);
  },
};
