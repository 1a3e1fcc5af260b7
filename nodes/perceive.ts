/**
 * Perceive: screen the request through the perceive skill (normalise, reject what cannot be a
 * segment request, correct spelling, find glossary terms; unknown tenant here) and reset the
 * per-run fields so a rewritten request (after a clarification) starts clean. The user's
 * preferences (a default window, default exclusions) are added to a request that does not
 * say them, as words the parser reads like the user's own; their conditions are source
 * `memory`.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import { requireContext, runVersionsOf, skillContextFor } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";
import { memoryFrom } from "../state/memory.ts";
import { timed } from "../state/audit-entry.ts";
import { addedSpan, type Span } from "../segment/answered.ts";
import type { ScreenResult, SkillContext } from "../skills/types.ts";
import type { NscContext } from "../state/context.ts";

// The screening itself is the rules tier's (skills/rules/screen.ts); these stay importable here.
export {
  expandGlossary,
  looksLikeSegmentRequest,
  screen,
  screenRequest,
  type Rejection,
} from "../skills/rules/screen.ts";

/** The request text the last perceive of this thread read, from the audit trail. */
function previousText(state: NscStateType): string {
  const last = [...(state.audit ?? [])].reverse().find((a) => a.step === "perceive");
  const text = last?.detail?.text;
  return typeof text === "string" ? text : "";
}

/**
 * Where the words preferences added on an earlier pass of this turn sit in `text` (a
 * clarification's answer rewrote the request around them; they stay memory's).
 */
function carriedPreferred(state: NscStateType, text: string): Span[] {
  const last = [...(state.audit ?? [])].reverse().find((a) => a.step === "perceive");
  const before = last?.detail?.text;
  const spans = last?.detail?.preferred as Span[] | undefined;
  if (typeof before !== "string" || !spans?.length) return [];
  return spans.flatMap((s) => {
    const words = before.slice(s.start, s.end);
    const at = text.lastIndexOf(words);
    return at < 0 ? [] : [{ start: at, end: at + words.length }];
  });
}

/** The preference words a request does not already say: exclusions, then a window. */
async function preferredWords(
  ctx: NscContext,
  state: NscStateType,
  text: string,
  skillCtx: SkillContext,
  configurable: Record<string, unknown> | undefined,
): Promise<string[]> {
  if (!ctx.memory) return [];
  const prefs = await ctx.memory.preferences(memoryFrom(configurable, state.tenant).subject);
  const lower = text.toLowerCase();
  const words = (prefs.defaultExclusions ?? []).filter((e) => !lower.includes(e.toLowerCase()));
  if (prefs.defaultWindow && !lower.includes(prefs.defaultWindow.toLowerCase())) {
    const { subSegments } = await ctx.skills.decompose.decompose(text, skillCtx);
    const dates = await ctx.skills.tagDates.tag(text, subSegments, skillCtx);
    if (dates.tags.length === 0) words.push(prefs.defaultWindow);
  }
  return words;
}

export async function perceive(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const { maxRequestChars } = nscConfigFrom(config.configurable);
  // A request that names no tenant (typed into Studio) runs on the context's default, if any.
  const tenantId = state.tenant || ctx.defaultTenant;
  const runtime = tenantId ? ctx.tenant(tenantId) : undefined;
  const { result, audit } = await timed(
    "perceive",
    async (): Promise<ScreenResult & { asOf: string; preferred?: Span[] }> => {
      const tenant = runtime;
      if (!tenant || !tenantId) {
        return {
          text: "",
          asOf: state.asOf,
          corrections: [],
          glossary: [],
          rejection: {
            code: "unknown_tenant",
            message: tenantId ? `Unknown tenant "${tenantId}".` : "No tenant given.",
          },
        };
      }
      const asOf = state.asOf || tenant.config.asOf;
      const skillCtx = { ...skillContextFor(ctx, tenantId, asOf), maxChars: maxRequestChars };
      const screened = await ctx.skills.perceive.screen(state.request ?? "", skillCtx);
      if (screened.rejection) return { ...screened, asOf };
      if (Object.keys(state.answers ?? {}).length)
        return { ...screened, asOf, preferred: carriedPreferred(state, screened.text) };
      const words = await preferredWords(ctx, state, screened.text, skillCtx, config.configurable);
      if (words.length === 0) return { ...screened, asOf };
      // Screened again whole, so the added words are normalised and spelled like the request.
      const preferred = await ctx.skills.perceive.screen(
        [screened.text, ...words].join(" "),
        skillCtx,
      );
      if (preferred.rejection) return { ...screened, asOf };
      return { ...preferred, asOf, preferred: addedSpan(screened.text, preferred.text) };
    },
    (r) => ({
      rejection: r.rejection?.code ?? null,
      corrections: r.corrections,
      glossary: r.glossary,
      text: r.text,
      // A clarification's answer rewrote the request: the words it brought (against the text
      // the previous pass read, in the audit trail) are the user's.
      answered:
        Object.keys(state.answers ?? {}).length && !r.rejection
          ? addedSpan(previousText(state), r.text)
          : [],
      // Whose answer those words are: the user's, or one remembered from another conversation.
      answeredBy: state.answerSource ?? "user",
      // Words the user's preferences added (source `memory`).
      preferred: r.preferred ?? [],
      // The registry versions (skills manifests, glossary) this run reads the request with.
      ...(runtime ? { versions: runVersionsOf(runtime) } : {}),
    }),
  );
  return {
    ...(tenantId && tenantId !== state.tenant ? { tenant: tenantId } : {}),
    text: result.text,
    asOf: result.asOf,
    status: result.rejection ? "rejected" : "running",
    rejection: result.rejection,
    decomposition: null,
    dates: null,
    shortlist: null,
    draft: null,
    ambiguities: [],
    confidence: 0,
    findings: [],
    improveAttempts: 0,
    pendingQuestion: null,
    answers: state.answers ?? {},
    segment: null,
    sql: null,
    size: null,
    explanation: [],
    audit,
  };
}
