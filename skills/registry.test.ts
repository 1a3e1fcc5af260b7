import { describe, expect, it } from "vitest";
import { MAP_PROMPT } from "./llm/map.ts";
import {
  activeManifests,
  contentHash,
  llmManifests,
  rulesManifests,
  skillVersions,
} from "./registry.ts";
import { MAP_PRODUCER } from "./rules/map/index.ts";

describe("skill manifests", () => {
  it("name every rules step by the producer its conditions cite", () => {
    const rules = rulesManifests();
    expect(rules.map((m) => m.step).sort()).toEqual(
      ["dates", "decompose", "edit", "intent", "link", "map", "perceive"].sort(),
    );
    const map = rules.find((m) => m.step === "map")!;
    expect(`${map.id}@${map.version}`).toBe(MAP_PRODUCER);
    expect(map.artefacts.map((a) => a.id)).toEqual([
      "rules/map/clause-rules",
      "rules/map/request-rules",
    ]);
  });

  it("carry the prompt template's hash for the LLM tier", () => {
    const map = llmManifests().find((m) => m.step === "map")!;
    expect(map).toMatchObject({ id: `llm/${MAP_PROMPT.id.split("@")[0]}`, tier: "llm" });
    expect(map.artefacts).toContainEqual({ id: `prompts/${MAP_PROMPT.id}`, hash: MAP_PROMPT.hash });
    expect(
      llmManifests()
        .find((m) => m.step === "link")!
        .artefacts.map((a) => a.id),
    ).toContain("examples/link");
  });

  it("are the same from one call to the next, and differ per skill", () => {
    expect(rulesManifests()).toEqual(rulesManifests());
    const hashes = activeManifests(true).map((m) => m.hash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it("hash content so that a reordered rule list is another version", () => {
    expect(contentHash(["a", "b"])).not.toBe(contentHash(["b", "a"]));
    expect(contentHash("x")).toMatch(/^[0-9a-f]{12}$/);
  });

  it("list only the rules tier when no LLM is configured", () => {
    expect(activeManifests(false).every((m) => m.tier === "rules")).toBe(true);
    expect(activeManifests(true).some((m) => m.tier === "llm")).toBe(true);
  });

  it("record versions as version#hash per skill id, sorted", () => {
    const v = skillVersions(rulesManifests());
    expect(Object.keys(v)).toEqual([...Object.keys(v)].sort());
    expect(v["rules/map"]).toMatch(/^1#[0-9a-f]{12}$/);
  });
});
