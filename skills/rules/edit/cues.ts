/**
 * Cue tokens: occurrences of the edit lexicon's phrases in a tokenised message, typed by what
 * they ask for. Later rules consume these instead of re-reading the sentence.
 */
import type { Token } from "../text.ts";
import {
  ALSO_CUES,
  EXCLUDE_CUES,
  EXPLAIN_CUES,
  NEW_BEFORE_OLD,
  NEW_SEGMENT_CUES,
  OLD_BEFORE_NEW,
  ONLY_CUES,
  REDO_CUES,
  REMOVE_CUES,
  RESTORE_CUES,
  TRAILING_REMOVE_CUES,
  REPLACE_VERBS,
  REVERT_VERBS,
  SHOW_VERBS,
  UNDO_CUES,
  UNRESTRICTED_WORDS,
  type CuePhrase,
} from "./lexicon.ts";

export type CueKind =
  | "remove"
  | "exclude"
  | "only"
  | "also"
  | "replace"
  | "new_before_old"
  | "old_before_new"
  | "undo"
  | "redo"
  | "restore"
  | "trailing_remove"
  | "revert"
  | "new_segment"
  | "show"
  | "explain"
  | "unrestricted";

export interface Cue {
  kind: CueKind;
  /** Token index range `[first, end)`. */
  first: number;
  end: number;
  /** Character offsets in the message. */
  start: number;
  stop: number;
  text: string;
}

const LEXICON: Record<CueKind, CuePhrase[]> = {
  remove: REMOVE_CUES,
  exclude: EXCLUDE_CUES,
  only: ONLY_CUES,
  also: ALSO_CUES,
  replace: REPLACE_VERBS,
  new_before_old: NEW_BEFORE_OLD,
  old_before_new: OLD_BEFORE_NEW,
  undo: UNDO_CUES,
  redo: REDO_CUES,
  restore: RESTORE_CUES,
  trailing_remove: TRAILING_REMOVE_CUES,
  revert: REVERT_VERBS,
  new_segment: NEW_SEGMENT_CUES,
  show: SHOW_VERBS,
  explain: EXPLAIN_CUES,
  unrestricted: UNRESTRICTED_WORDS,
};

/** Folds the apostrophes and spellings tokens may carry ("don’t" is already "don't"). */
function norm(word: string): string {
  return word.replace(/[’`]/g, "'");
}

/** Longest-first, non-overlapping occurrences of one kind's phrases. */
export function findCues(text: string, tokens: Token[], kind: CueKind): Cue[] {
  const out: Cue[] = [];
  const taken = new Set<number>();
  for (const phrase of LEXICON[kind]) {
    const n = phrase.words.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      let ok = true;
      for (let k = 0; k < n; k++) {
        if (taken.has(i + k) || norm(tokens[i + k]!.lower) !== phrase.words[k]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      for (let k = 0; k < n; k++) taken.add(i + k);
      const start = tokens[i]!.start;
      const stop = tokens[i + n - 1]!.end;
      out.push({ kind, first: i, end: i + n, start, stop, text: text.slice(start, stop) });
    }
  }
  return out.sort((a, b) => a.first - b.first);
}

/** Every cue of every kind (kinds may overlap: "drop" is both remove and exclude). */
export function allCues(text: string, tokens: Token[]): Cue[] {
  return (Object.keys(LEXICON) as CueKind[]).flatMap((k) => findCues(text, tokens, k));
}

export function cuesOf(cues: Cue[], kind: CueKind): Cue[] {
  return cues.filter((c) => c.kind === kind);
}

export function firstCue(cues: Cue[], kind: CueKind): Cue | undefined {
  return cues.find((c) => c.kind === kind);
}
