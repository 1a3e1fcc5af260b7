/**
 * The skills registry's code half: a manifest for every skill implementation the process can
 * run — its id and version (the producer string conditions cite, `rules/map@1`) and the
 * artefacts it is made of (the ordered rule list, the prompt template, the few-shot set) each
 * with a content hash. A change to any artefact changes the skill's hash even when nobody
 * bumped a version, so drift is never invisible. The tenant half (which manifests and which
 * glossary version served a tenant, and when that changed) is storage/registry.ts.
 */
import { createHash } from "node:crypto";
import { DATES_PROMPT } from "./llm/dates.ts";
import { DECOMPOSE_PROMPT } from "./llm/decompose.ts";
import { EDIT_PROMPT } from "./llm/edit.ts";
import { shippedExamples, type ExampleSkill } from "./llm/examples.ts";
import { INTENT_PROMPT } from "./llm/intent.ts";
import { LINK_PROMPT } from "./llm/link.ts";
import { MAP_PROMPT } from "./llm/map.ts";
import type { Prompt } from "./llm/prompts.ts";
import { DECOMPOSE_PRODUCER } from "./rules/decompose.ts";
import { EDIT_PRODUCER } from "./rules/edit/frame.ts";
import { DATES_PRODUCER } from "./rules/index.ts";
import { INTENT_PRODUCER } from "./rules/intent.ts";
import { LINK_PRODUCER } from "./rules/link.ts";
import { MAP_PRODUCER } from "./rules/map/index.ts";
import { CLAUSE_PASSES, REQUEST_PASSES } from "./rules/map/passes.ts";

export type SkillStep = "perceive" | "decompose" | "dates" | "link" | "map" | "intent" | "edit";

/** One thing a skill is made of, by content. */
export interface ArtefactRef {
  /** e.g. `rules/map/clause-rules`, `prompts/map@1`, `examples/link`. */
  id: string;
  hash: string;
}

export interface SkillManifest {
  /** `rules/map`, `llm/map`. */
  id: string;
  /** The version of the producer string (`1` of `rules/map@1`). */
  version: string;
  step: SkillStep;
  tier: "rules" | "llm";
  artefacts: ArtefactRef[];
  /** Over id, version and every artefact hash. */
  hash: string;
}

export function contentHash(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

function manifest(producer: string, step: SkillStep, artefacts: ArtefactRef[]): SkillManifest {
  const [id, version] = producer.split("@") as [string, string];
  const tier = id.startsWith("llm/") ? "llm" : "rules";
  return { id, version, step, tier, artefacts, hash: contentHash([id, version, artefacts]) };
}

const SCREEN_PRODUCER = "rules/perceive@1";

/** The rules tier: its rule lists in order (a reordered refiner is a different parser). */
export function rulesManifests(): SkillManifest[] {
  const clause = CLAUSE_PASSES.map((p) => ({
    pass: p.pass,
    rules: p.rules.map((r) => [r.name, r.doc]),
  }));
  const request = REQUEST_PASSES.map((r) => r.name);
  return [
    manifest(SCREEN_PRODUCER, "perceive", []),
    manifest(DECOMPOSE_PRODUCER, "decompose", []),
    manifest(DATES_PRODUCER, "dates", []),
    manifest(LINK_PRODUCER, "link", []),
    manifest(MAP_PRODUCER, "map", [
      { id: "rules/map/clause-rules", hash: contentHash(clause) },
      { id: "rules/map/request-rules", hash: contentHash(request) },
    ]),
    manifest(INTENT_PRODUCER, "intent", []),
    manifest(EDIT_PRODUCER, "edit", []),
  ];
}

function llmManifest(step: SkillStep, prompt: Prompt, examples?: ExampleSkill): SkillManifest {
  const artefacts: ArtefactRef[] = [{ id: `prompts/${prompt.id}`, hash: prompt.hash }];
  if (examples)
    artefacts.push({ id: `examples/${examples}`, hash: contentHash(shippedExamples(examples)) });
  return manifest(`llm/${prompt.id}`, step, artefacts);
}

/** The LLM tier's skills: prompt template and shipped few-shot set of each. */
export function llmManifests(): SkillManifest[] {
  return [
    llmManifest("decompose", DECOMPOSE_PROMPT, "decompose"),
    llmManifest("dates", DATES_PROMPT, "dates"),
    llmManifest("link", LINK_PROMPT, "link"),
    llmManifest("map", MAP_PROMPT),
    llmManifest("intent", INTENT_PROMPT, "intent"),
    llmManifest("edit", EDIT_PROMPT),
  ];
}

/** What serves a process: the rules tier, and the LLM tier's skills when it is on. */
export function activeManifests(llm: boolean): SkillManifest[] {
  return [...rulesManifests(), ...(llm ? llmManifests() : [])];
}

/** `rules/map@1#3fa2…` per skill, sorted: what a run records as the skills it could use. */
export function skillVersions(manifests: readonly SkillManifest[]): Record<string, string> {
  return Object.fromEntries(
    [...manifests]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((m) => [m.id, `${m.version}#${m.hash}`]),
  );
}
