/**
 * Candidates from corrections. A correction says the words `phrase` of a request should
 * have meant one condition (the one the user's edit ended with); a candidate is the smallest
 * change of the tenant's artefacts that makes the parser read the phrase that way:
 * - `synonym`: an existing glossary entry already means that condition: the phrase becomes
 *   one of its aliases;
 * - `glossary`: a new entry, the phrase standing for words the parser reads as that
 *   condition — the edit's own words, or the condition's description, whichever reads back
 *   to the same condition (checked here by parsing them, before any eval).
 * A removal (the phrase should have meant nothing) teaches no entry, and a phrase that is
 * already a glossary term needs its entry rewritten by a person: both are skipped, with why.
 */
import type { TenantConfig } from "../state/catalog.ts";
import { leavesWithPaths } from "../segment/edit-ops.ts";
import { describeCondition } from "../segment/explain.ts";
import { expansionTree } from "../skills/rules/map/index.ts";
import type { SkillContext } from "../skills/types.ts";
import type { Correction } from "../state/memory.ts";
import type { RuleNode, SegmentDefinition } from "../state/segment.ts";

type GlossaryEntry = TenantConfig["glossary"][number];

/** A correction with what it needs to be learnt from and replayed. */
export interface LearnableCorrection extends Correction {
  id: string;
  /** The conversation it was learnt in. */
  threadId: string | null;
  request: string | null;
  target: SegmentDefinition | null;
}

export type Proposal =
  | { kind: "glossary"; entry: Omit<GlossaryEntry, "version"> }
  | { kind: "synonym"; term: string; alias: string };

export interface Candidate {
  phrase: string;
  proposal: Proposal;
  /** The corrections it would settle (same phrase, same proposal). */
  correctionIds: string[];
}

export interface Skipped {
  correctionId: string;
  phrase: string;
  reason: string;
}

/** Each leaf's words as the diff and the explanation say them ("NOT …" for excluded ones). */
function leafDescriptions(root: RuleNode, ctx: SkillContext): string[] {
  return leavesWithPaths(root).map(
    (l) => `${l.negated ? "NOT " : ""}${describeCondition(l.condition, ctx.catalog)}`,
  );
}

/** The one condition `words` read as, described; null when they read as none or several. */
export function readsAs(words: string, ctx: SkillContext): string | null {
  const tree = expansionTree({ term: words, meaning: words, expansion: words, aliases: [] }, ctx);
  const leaves = tree ? leafDescriptions(tree, ctx) : [];
  return leaves.length === 1 ? leaves[0]! : null;
}

function sameWords(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function proposalFor(
  c: LearnableCorrection,
  ctx: SkillContext,
): { proposal: Proposal } | { skip: string } {
  if (!c.meant) return { skip: "the phrase was removed: nothing to read it as" };
  if (!c.target) return { skip: "recorded before corrections kept their segment" };
  const glossary = ctx.tenant.glossary;
  const term = glossary.find((g) => [g.term, ...g.aliases].some((t) => sameWords(t, c.phrase)));
  if (term) return { skip: `"${c.phrase}" is already the glossary term "${term.term}"` };
  const meant = c.meant.description;
  // An entry that already means the condition: the phrase is another way to say it.
  const same = glossary.find((g) => {
    const tree = expansionTree(g, ctx);
    const leaves = tree ? leafDescriptions(tree, ctx) : [];
    return leaves.length === 1 && leaves[0] === meant;
  });
  if (same) return { proposal: { kind: "synonym", term: same.term, alias: c.phrase } };
  const wording = [c.meant.span, meant].find((w) => w.trim() && readsAs(w, ctx) === meant);
  if (!wording) return { skip: `no words the parser reads as "${meant}"` };
  return {
    proposal: {
      kind: "glossary",
      entry: { term: c.phrase, meaning: meant, expansion: wording, aliases: [] },
    },
  };
}

/**
 * Candidates from corrections (one per phrase and proposal), and the corrections skipped;
 * `ctx` is a skill context or, per correction, the one it is read in.
 */
export function candidatesFrom(
  corrections: readonly LearnableCorrection[],
  ctx: SkillContext | ((c: LearnableCorrection) => SkillContext),
): { candidates: Candidate[]; skipped: Skipped[] } {
  const byKey = new Map<string, Candidate>();
  const skipped: Skipped[] = [];
  for (const c of corrections) {
    // Glossary terms match case-insensitively: one spelling per phrase.
    const phrase = c.phrase.trim().replace(/\s+/g, " ").toLowerCase();
    const out = proposalFor({ ...c, phrase }, typeof ctx === "function" ? ctx(c) : ctx);
    if ("skip" in out) {
      skipped.push({ correctionId: c.id, phrase, reason: out.skip });
      continue;
    }
    const key = JSON.stringify(out.proposal);
    const found = byKey.get(key);
    if (found) found.correctionIds.push(c.id);
    else byKey.set(key, { phrase, proposal: out.proposal, correctionIds: [c.id] });
  }
  return { candidates: [...byKey.values()], skipped };
}

/** The tenant's glossary with the candidate applied. */
export function applyProposal(
  glossary: TenantConfig["glossary"],
  proposal: Proposal,
): TenantConfig["glossary"] {
  if (proposal.kind === "glossary") return [...glossary, { ...proposal.entry }];
  return glossary.map((g) =>
    g.term === proposal.term ? { ...g, aliases: [...g.aliases, proposal.alias] } : g,
  );
}

/** One line for tables: what the candidate changes. */
export function describeProposal(p: Proposal): string {
  return p.kind === "glossary"
    ? `glossary "${p.entry.term}" = "${p.entry.expansion}"`
    : `"${p.alias}" also means glossary "${p.term}"`;
}
