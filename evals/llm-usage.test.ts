import { describe, expect, it } from "vitest";
import type { LlmClient } from "../skills/llm/client.ts";
import { NO_USAGE, usageMeter } from "./llm-usage.ts";

describe("the usage meter of an evaluation case", () => {
  it("is what the client spent since the case started", () => {
    const client = { totals: { calls: 3, cached: 1, tokens: 900, costUsd: 0.5 } };
    const meter = usageMeter(client as LlmClient);
    meter.start();
    client.totals = { calls: 5, cached: 4, tokens: 1200, costUsd: 0.75 };
    expect(meter.spent()).toEqual({ calls: 2, cached: 3, tokens: 300, costUsd: 0.25 });
  });

  it("is nothing in the rules tier, which has no client", () => {
    const meter = usageMeter(undefined);
    meter.start();
    expect(meter.spent()).toEqual(NO_USAGE);
  });
});
