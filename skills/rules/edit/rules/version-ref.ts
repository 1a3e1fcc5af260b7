/**
 * "version 2", "v3", "the original", "the first version", "the previous one": which version a
 * message names, read from its tokens.
 */
import { ORIGINAL_WORDS, VERSION_WORDS } from "../lexicon.ts";
import type { EditFrame } from "../frame.ts";

export function versionNamed(f: EditFrame): number | "previous" | undefined {
  const toks = f.a.tokens;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!.lower;
    const m = /^v(?:er)?\.?(\d+)$/.exec(t);
    if (m) return Number(m[1]);
    if (VERSION_WORDS.has(t)) {
      const n = toks[i + 1];
      if (n && /^#?\d+$/.test(n.text)) return Number(n.text.replace("#", ""));
      const prev = toks[i - 1]?.lower;
      if (prev && ORIGINAL_WORDS.has(prev)) return 1;
      if (prev === "previous" || prev === "prior" || prev === "earlier" || prev === "last")
        return "previous";
    }
    if (ORIGINAL_WORDS.has(t) && t === "original") {
      const n = toks[i + 1]?.lower;
      if (
        !n ||
        n === "one" ||
        n === "segment" ||
        n === "version" ||
        n === "definition" ||
        n === "list" ||
        n === "audience"
      )
        return 1;
    }
  }
  return undefined;
}
