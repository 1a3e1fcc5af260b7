import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRequest } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import { startTestServices } from "./support/services.ts";

let services: Services;

beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.close();
});

const create = (request: string) =>
  runRequest(services, { tenant: "online-retail", request, members: true });

describe("NSC graph end to end", () => {
  it("creates a sized segment with provenance for every condition", async () => {
    const r = await create("UK customers who spent over £10,000");
    expect(r.status).toBe("ok");
    expect(r.size).toBe(85);
    expect(r.members).toHaveLength(85);
    expect(r.sql).toMatch(/\$1/);
    expect(JSON.stringify(r.params)).toContain("United Kingdom");
    expect(r.explanation.join("\n")).toMatch(/from "UK"; catalog/);
  });

  it("runs date tagging and catalog linking in parallel after decomposition", async () => {
    const r = await create("customers who bought textiles in Q4 2011");
    const steps = r.audit.map((a) => a.step);
    expect(steps.indexOf("decompose")).toBeLessThan(steps.indexOf("tagDates"));
    expect(steps.indexOf("decompose")).toBeLessThan(steps.indexOf("shortlistFacets"));
    expect(steps.indexOf("mapFacets")).toBeGreaterThan(
      Math.max(steps.indexOf("tagDates"), steps.indexOf("shortlistFacets")),
    );
    expect(r.size).toBe(826);
  });

  it("asks one clarifying question with sized options and resumes with the chosen one", async () => {
    const first = await create("loyal customers in France");
    expect(first.status).toBe("needs_clarification");
    expect(first.clarification?.options.length).toBeGreaterThan(1);
    const option = first.clarification!.options[0]!;
    expect(option.size).toBeGreaterThan(0);
    const second = await runRequest(services, {
      threadId: first.thread_id,
      answer: "1",
      members: true,
    });
    expect(second.status).toBe("ok");
    expect(second.size).toBe(option.size);
    expect(second.segment?.request).toBe(option.request);
  });

  it("accepts a free-text answer that replaces the unclear words", async () => {
    const first = await create("customers with shoe size 42");
    expect(first.status).toBe("needs_clarification");
    expect(first.clarification?.question).toMatch(/shoe size/);
    const second = await runRequest(services, { threadId: first.thread_id, answer: "at least" });
    // "customers with at least 42" still lacks a measure: a new, different question.
    expect(second.status).toBe("needs_clarification");
    expect(second.clarification?.key).not.toBe(first.clarification?.key);
    const third = await runRequest(services, { threadId: first.thread_id, answer: "42 orders" });
    expect(third.status).toBe("ok");
    expect(third.segment?.request).toBe("customers with 42 orders");
  });

  it("rejects resuming a thread that is not waiting, and an unknown thread", async () => {
    const done = await create("customers in France");
    await expect(runRequest(services, { threadId: done.thread_id, answer: "1" })).rejects.toThrow(
      /not waiting/,
    );
    await expect(runRequest(services, { threadId: "no-such-thread", answer: "1" })).rejects.toThrow(
      /No conversation/,
    );
  });

  it("refuses a contradiction instead of returning an empty segment", async () => {
    const r = await create("customers who spent over £500 and under £100");
    expect(r.status).toBe("needs_clarification");
    expect(r.clarification?.question).toMatch(/cannot both hold/);
    expect(r.clarification?.options.map((o) => o.request)).toContain(
      "customers who spent over £500",
    );
  });

  it("rejects a facet the tenant restricts", async () => {
    const tenant = services.tenants.get("online-retail")!;
    const restricted = { ...tenant, config: { ...tenant.config, restrictedFacets: ["country"] } };
    services.tenants.set("online-retail", restricted);
    try {
      const r = await create("customers in France");
      expect(r.status).toBe("rejected");
      expect(r.message).toMatch(/does not allow segmenting on Country/);
    } finally {
      services.tenants.set("online-retail", tenant);
    }
  });
});
