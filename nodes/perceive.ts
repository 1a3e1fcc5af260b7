/**
 * Perceive: screen the request through the perceive skill (normalise, reject what cannot be a
 * segment request, correct spelling, find glossary terms; unknown tenant here) and reset the
 * per-run fields so a rewritten request (after a clarification) starts clean.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import { requireContext, skillContextFor } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";
import { timed } from "../state/audit-entry.ts";
import { addedSpan } from "../segment/answered.ts";
import type { ScreenResult } from "../skills/types.ts";

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

export async function perceive(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const { maxRequestChars } = nscConfigFrom(config.configurable);
  // A request that names no tenant (typed into Studio) runs on the context's default, if any.
  const tenantId = state.tenant || ctx.defaultTenant;
  const { result, audit } = await timed(
    "perceive",
    async (): Promise<ScreenResult & { asOf: string }> => {
      const tenant = tenantId ? ctx.tenant(tenantId) : undefined;
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
      const screened = await ctx.skills.perceive.screen(state.request ?? "", {
        ...skillContextFor(ctx, tenantId, asOf),
        maxChars: maxRequestChars,
      });
      return { ...screened, asOf };
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
