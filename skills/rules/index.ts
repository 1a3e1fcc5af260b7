/**
 * The rules tier as a SkillSet: every language step with no model and no network.
 */
import type { SkillSet } from "../types.ts";
import { dateSpans, tagDatesShared } from "./date-spans.ts";
import { decomposeRequest } from "./decompose.ts";
import { rulesEditSkill } from "./edit/index.ts";
import { classifyIntent } from "./intent.ts";
import { shortlistRequest } from "./link.ts";
import { mapRequest } from "./map/index.ts";
import { screenSkill } from "./screen.ts";

export const DATES_PRODUCER = "rules/dates@1";

export function rulesSkills(): SkillSet {
  const language = rulesLanguageSkills();
  return {
    ...language,
    intent: {
      classify: async (text, ctx) =>
        classifyIntent(text, ctx.hasSegment, (phrase) =>
          ctx.retriever.exactLookup(phrase).some((h) => h.value !== undefined),
        ),
    },
    // Edits are read with the same language skills as requests: no second parser.
    edit: rulesEditSkill(language),
  };
}

function rulesLanguageSkills(): Omit<SkillSet, "intent" | "edit"> {
  return {
    perceive: { screen: screenSkill },
    decompose: {
      decompose: async (text, ctx) =>
        decomposeRequest(text, {
          isValue: (phrase) => ctx.retriever.exactLookup(phrase).some((h) => h.value !== undefined),
          glossary: ctx.tenant.glossary,
        }),
    },
    tagDates: {
      tag: async (text, subSegments, ctx) => ({
        tags: subSegments.flatMap((seg) =>
          tagDatesShared(text.slice(seg.start, seg.end), ctx.dates).map((t) => ({
            ...t,
            start: t.start + seg.start,
            end: t.end + seg.start,
            subSegmentId: seg.id,
          })),
        ),
        producer: DATES_PRODUCER,
      }),
    },
    shortlist: {
      shortlist: async (text, subSegments, ctx) =>
        shortlistRequest(
          text,
          subSegments,
          ctx.retriever,
          ctx.tenant.glossary,
          // The same tags the date step computes, from the shared cache (date-spans.ts).
          dateSpans(text, subSegments, ctx.dates),
        ),
    },
    map: {
      map: async ({ text, subSegments, dates, shortlist }, ctx) =>
        mapRequest({ text, subSegments, dates, mentions: shortlist.mentions }, ctx),
    },
  };
}
