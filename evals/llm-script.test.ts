import { describe, expect, it } from "vitest";
import type { FakeRequest } from "../tests/support/fake-openai.ts";
import { FakeScript, loadScript, scriptedResponder } from "../tests/support/fake-script.ts";
import { DEFAULT_SCRIPT, STANDIN_SCRIPT } from "./tier.ts";

const request = (name: string, input: unknown): FakeRequest => ({
  model: "m",
  input,
  system: "",
  method: "jsonSchema",
  name,
});

const script = FakeScript.parse({
  skills: {
    map_1: {
      default: "candidates",
      requests: { "customers in atlantis": { status: 429 } },
    },
    edit_1: { default: { malformed: "{not json" } },
  },
});

describe("the fake server's script", () => {
  const respond = scriptedResponder(script);

  it("answers a listed request with its reply", () => {
    expect(respond(request("map_1", { request: "customers in atlantis" }))).toEqual({
      status: 429,
    });
  });

  it("maps each retrieved value to a condition by default, quoting its words", () => {
    const reply = respond(
      request("map_1", {
        request: "French customers",
        candidates: [
          { facet: "country", kind: "attribute", values: [{ value: "France", words: "French" }] },
        ],
      }),
    );
    expect(reply).toMatchObject({
      answer: {
        conditions: [{ span: "French", kind: "attribute", facet: "country", values: ["France"] }],
        unmapped: [],
      },
    });
  });

  it("says what it cannot map when nothing was retrieved", () => {
    const reply = respond(request("map_1", { request: "nice people", candidates: [] }));
    expect(reply).toMatchObject({ answer: { conditions: [], unmapped: ["nice people"] } });
  });

  it("gives a skill's written-out default and another skill the fallback", () => {
    expect(respond(request("edit_1", { edit: "drop it" }))).toEqual({ malformed: "{not json" });
    expect(respond(request("intent_1", { text: "hi" }))).toEqual({ status: 500 });
  });

  it("ships a script that parses", () => {
    for (const path of [DEFAULT_SCRIPT, STANDIN_SCRIPT])
      expect(Object.keys(loadScript(path).skills).sort()).toEqual([
        "dates_1",
        "decompose_1",
        "edit_1",
        "intent_1",
        "link_1",
        "map_1",
      ]);
  });
});
