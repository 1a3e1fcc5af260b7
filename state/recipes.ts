/**
 * Recipes: every saved segment (its request, definition, size and who saved it), found by
 * similarity for a new request. A creation turn shows them as suggestions ("a similar segment
 * exists") and the LLM tier reads them as the tenant's own few-shot examples.
 *
 * The contract only: the index lives in vectors/recipes.ts, the runtime's finder (which reads
 * the segments back from Postgres, so a deleted one is never suggested) in runtime/recipes.ts.
 */
import { z } from "zod";
import { SegmentDefinition } from "./segment.ts";

/** What the caller is shown: a saved segment like the request, and how alike (cosine). */
export const RecipeSuggestion = z.object({
  segmentId: z.string(),
  name: z.string(),
  /** The saved segment's request, as its user wrote it. */
  request: z.string(),
  /** Members when it was last sized; null when never sized. */
  size: z.number().int().nullable(),
  /** Who saved it (`key:<id>`, `cli`), when recorded. */
  savedBy: z.string().nullable(),
  /** Cosine similarity of the request with the recipe's text, -1..1. */
  score: z.number(),
});
export type RecipeSuggestion = z.infer<typeof RecipeSuggestion>;

/** A suggestion with the saved definition, from which few-shot examples are derived. */
export const Recipe = RecipeSuggestion.extend({ definition: SegmentDefinition });
export type Recipe = z.infer<typeof Recipe>;

export interface RecipeFinding {
  /** Best first, each above the configured score threshold, the tenant's own only. */
  recipes: Recipe[];
  /** "unavailable": the vector store failed, timed out or its breaker is open; no recipes. */
  source: "vector" | "unavailable";
  reason?: "breaker_open" | "timeout" | "error";
}

/** The run context's recipe search (NscContext.recipes); never throws for a store outage. */
export interface RecipeFinder {
  find(tenant: string, request: string): Promise<RecipeFinding>;
}

/** A recipe without its definition: what the result, the API and the audit show. */
export function suggestionOf(recipe: Recipe): RecipeSuggestion {
  const { definition: _definition, ...suggestion } = recipe;
  return suggestion;
}
