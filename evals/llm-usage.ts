/**
 * What the LLM tier spent on one evaluation case: the difference of its client's running
 * totals before and after (cases run one at a time). The client counts every call, wherever
 * the graph made it — a routed step, or a clarifying question's options read again.
 */
import type { LlmClient, LlmTotals } from "../skills/llm/client.ts";

export type LlmUsage = LlmTotals;

export const NO_USAGE: LlmUsage = { calls: 0, cached: 0, tokens: 0, costUsd: 0 };

/** A meter over a client (none in the rules tier): `spent()` is the usage since `start()`. */
export function usageMeter(client: LlmClient | undefined) {
  let from: LlmUsage = NO_USAGE;
  return {
    start() {
      from = { ...(client?.totals ?? NO_USAGE) };
    },
    spent(): LlmUsage {
      const now = client?.totals ?? NO_USAGE;
      return {
        calls: now.calls - from.calls,
        cached: now.cached - from.cached,
        tokens: now.tokens - from.tokens,
        costUsd: now.costUsd - from.costUsd,
      };
    },
  };
}
