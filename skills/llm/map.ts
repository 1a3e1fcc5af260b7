/**
 * The LLM mapping skill: the request, its parts, the rules' date tags and the catalog
 * candidates retrieved for it go to the model as one JSON object; its structured answer is
 * read strictly (map-answer.ts) into a rule tree whose every condition cites
 * `llm/map@<v> <model>`. The model sees only this request's candidates: the catalog's full
 * value lists never leave the process and cannot be chosen from.
 */
import { facetById, measureFacets, type TenantCatalog } from "../../state/catalog.ts";
import type { MapResult, MapSkill, SkillContext } from "../types.ts";
import type { CallResult, LlmClient } from "./client.ts";
import { candidatesOf, MapAnswer, readMapAnswer } from "./map-answer.ts";
import { loadPrompt } from "./prompts.ts";

export const MAP_PROMPT = loadPrompt("map", 1);

/** Values offered per facet: enough for any request, bounded so a broad word costs little. */
const MAX_VALUES_PER_FACET = 12;

type MapInput = Parameters<MapSkill["map"]>[0];

export function candidateFacets(input: MapInput, catalog: TenantCatalog) {
  const byFacet = new Map<string, { value: string; label: string; words: string }[]>();
  for (const m of input.shortlist.mentions) {
    const list = byFacet.get(m.facetId) ?? [];
    if (m.value !== undefined && !list.some((v) => v.value === m.value)) {
      if (list.length < MAX_VALUES_PER_FACET) {
        list.push({ value: m.value, label: m.label, words: m.text });
      }
    }
    byFacet.set(m.facetId, list);
  }
  const retrieved = [...byFacet].flatMap(([id, values]) => {
    const facet = facetById(catalog, id);
    if (!facet || (facet.kind !== "attribute" && facet.kind !== "item")) return [];
    return [{ facet: id, kind: facet.kind, label: facet.label, values }];
  });
  // Measures and recency facets are few and closed: always offered, without values.
  const measures = measureFacets(catalog).map((f) => ({
    facet: f.id,
    kind: "measure",
    label: f.label,
    event: f.measure.event ?? "order",
  }));
  const recency = catalog.facets
    .filter((f) => f.kind === "recency")
    .map((f) => ({ facet: f.id, kind: "recency", label: f.label, which: f.recency?.which }));
  return [...retrieved, ...measures, ...recency];
}

/** The user message: everything the model may use, and nothing else. */
export function mapPromptInput(input: MapInput, ctx: SkillContext) {
  return {
    request: input.text,
    parts: input.subSegments.map((s) => ({
      text: s.text,
      joins: s.connective,
      negated: s.negatedByConnective,
    })),
    dates: input.dates.tags.map((t, index) => ({
      index,
      text: t.text,
      from: t.from ?? null,
      to: t.to ?? null,
    })),
    candidates: candidateFacets(input, ctx.catalog),
  };
}

export const mapProducer = (model: string) => `llm/${MAP_PROMPT.id} ${model}`;

/** One mapping by one model; a failure is a reason, never an exception. */
export async function llmMap(
  client: LlmClient,
  model: string,
  input: MapInput,
  ctx: SkillContext,
): Promise<CallResult<MapResult>> {
  const producer = mapProducer(model);
  const candidates = candidatesOf(input.shortlist.mentions);
  return client.call({
    tenant: ctx.tenant.tenant,
    prompt: MAP_PROMPT,
    system: MAP_PROMPT.render({ currency: ctx.catalog.currency }),
    input: mapPromptInput(input, ctx),
    schema: MapAnswer,
    model,
    read: (answer) => {
      const read = readMapAnswer(answer, {
        text: input.text,
        catalog: ctx.catalog,
        dates: input.dates,
        candidates,
        producer,
      });
      return read.ok
        ? {
            ok: true,
            value: { root: read.root, ambiguities: [], confidence: read.confidence, producer },
          }
        : read;
    },
  });
}
