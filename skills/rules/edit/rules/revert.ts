/** Revert: "go back to version 2", "restore v1", "the original one please". */
import { cue, plan, refuse, type EditRule } from "../frame.ts";
import { versionNamed } from "./version-ref.ts";

export const revert: EditRule = {
  name: "revert",
  applies: (f) => {
    const named = versionNamed(f);
    return (
      typeof named === "number" &&
      (cue(f, "revert") !== undefined ||
        cue(f, "undo") !== undefined ||
        f.a.tokens.length <= 4 ||
        cue(f, "replace") !== undefined)
    );
  },
  apply: (f) => {
    const n = versionNamed(f) as number;
    if (!f.history.versions.includes(n)) {
      return refuse(
        "revert",
        "no_such_version",
        `There is no version ${n}: this segment has versions ${f.history.versions.join(", ")}.`,
      );
    }
    // Already there: nothing changes, and that is the answer (no new version).
    return plan("revert", "revert", [{ op: "restore", version: n, reason: "revert" }], 1);
  },
};
