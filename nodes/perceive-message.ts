/**
 * Perceive message: the first step of every turn. Screens the message (or takes the turn's
 * command), brings a saved lineage up to date, classifies what the message asks for against
 * the session's state machine, moves the session, and resets the per-turn keys.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { nscConfigFrom } from "../state/config.ts";
import {
  questionWaits,
  sessionOf,
  type ConversationStateType,
  type ConversationUpdate,
} from "../state/conversation-state.ts";
import {
  requireContext,
  skillContextFor,
  type NscContext,
  type TenantRuntime,
} from "../state/context.ts";
import { currentVersion, type Lineage, type EditPlan } from "../state/edit.ts";
import { timed } from "../state/audit-entry.ts";
import {
  canApply,
  describePhase,
  resumed,
  settle,
  transition,
  type Session,
} from "../state/session.ts";
import type { IntentResult } from "../skills/types.ts";
import { screen } from "./perceive.ts";

/** Keys a turn starts without: nothing of the previous turn's work leaks into this one. */
const FRESH_TURN = {
  decomposition: null,
  dates: null,
  shortlist: null,
  draft: null,
  ambiguities: [],
  confidence: 0,
  findings: [],
  improveAttempts: 0,
  pendingQuestion: null,
  answers: {},
  answerSource: null,
  recalled: [],
  recipes: [],
  segment: null,
  sql: null,
  size: null,
  explanation: [],
  rejection: null,
  editPlan: null,
  editChoices: [],
  editKind: null,
  confirmedEmpty: false,
  diff: null,
  clarifications: 0,
  baseSegment: null,
  baseSize: null,
  baseVersion: null,
} satisfies ConversationUpdate;

/** The saved segment's versions, when another thread or the API added some since. */
async function synced(
  ctx: NscContext,
  tenant: string,
  lineage: Lineage | null,
): Promise<Lineage | null> {
  if (!lineage || !ctx.segments) return lineage;
  const saved = await ctx.segments.byLineage(tenant, lineage.id);
  if (!saved) return lineage;
  const local = currentVersion(lineage)?.version ?? 0;
  const latest = saved.versions[saved.versions.length - 1]?.version ?? 0;
  if (latest <= local) return lineage;
  // Versions written elsewhere are changes like any other: undo goes back through them.
  const undo = [...lineage.undo];
  for (let v = local; v < latest; v++) if (v > 0) undo.push(v);
  return { ...lineage, versions: saved.versions, undo, redo: [] };
}

/** A saved segment loaded into a thread (to be edited through the API or the CLI). */
async function loaded(ctx: NscContext, tenant: string, segmentId: string): Promise<Lineage> {
  const saved = await ctx.segments?.byId(tenant, segmentId);
  if (!saved || saved.versions.length === 0) throw new Error(`no saved segment ${segmentId}`);
  const versions = saved.versions.map((v) => v.version);
  return { id: saved.lineageId, versions: saved.versions, undo: versions.slice(0, -1), redo: [] };
}

/** Asking for customers' personal data, not for a segment ("give me their home addresses"). */
const PERSONAL_DATA =
  /\b(give|send|show|list|export|download|share|get|pull|dump|email|tell)\b.{0,40}\b(home addresses|postal addresses|addresses|card numbers|credit cards?|card details|phone numbers|mobile numbers|e-?mail addresses|passwords|personal (data|details|information|info)|contact details|payment details|bank details|dates? of birth)\b/i;

/** Questions about a segment that need assessment, which this version does not answer yet. */
const ASSESSMENT =
  /\b(break (it|this|them|that) down|breakdown|split (it|this|them|that) (up )?by|compare (it|this|them)|how does (it|this) compare|overlap|distribution of|what.s the lift)\b/i;

/** A refusal for a follow-up that screening lets through but the product must not act on. */
function refusalOf(text: string, tenant: TenantRuntime): { code: string; message: string } | null {
  if (PERSONAL_DATA.test(text))
    return {
      code: "personal_data",
      message:
        "This agent builds segments; it does not give out customers' personal data (addresses, card numbers, contact details). A saved segment's member ids are at GET /v1/segments/{id}/members.",
    };
  if (!ASSESSMENT.test(text)) return null;
  const words = text.toLowerCase();
  const restricted = tenant.catalog.facets.find(
    (f) =>
      tenant.config.restrictedFacets.includes(f.id) &&
      [f.label, f.id, ...f.synonyms].some((w) => words.includes(w.toLowerCase())),
  );
  if (restricted)
    return {
      code: "restricted_facet",
      message: `Tenant ${tenant.config.tenant} does not allow segmenting on ${restricted.label}, so the segment cannot be broken down by it either.`,
    };
  return {
    code: "not_available",
    message:
      'Breaking a segment down, comparing segments and their overlap are not available yet. Ask for the segment itself, or change it (e.g. "only those who spent over £500").',
  };
}

type Decision =
  | { route: "create"; request: string }
  | { route: "edit"; request: string; plan?: EditPlan }
  | { route: "explain" }
  | { route: "unclear" }
  | { route: "refuse"; code: string; message: string };

function decide(
  session: Session,
  intent: IntentResult | null,
  command: ConversationStateType["command"],
): Decision {
  if (command?.kind === "revert") {
    if (!canApply(session, "edit"))
      return { route: "refuse", code: "no_segment", message: nothingToEdit(session) };
    return {
      route: "edit",
      request: `revert to version ${command.version}`,
      plan: {
        ops: [{ op: "restore", version: command.version, reason: "revert" }],
        choices: [],
        refusal: null,
        kind: "revert",
        confidence: 1,
        producer: "command",
        rules: ["command:revert"],
      },
    };
  }
  if (!intent) return { route: "refuse", code: "empty", message: "The message is empty." };
  if (intent.intent === "explain")
    return canApply(session, "explain")
      ? { route: "explain" }
      : { route: "refuse", code: "no_segment", message: nothingToEdit(session) };
  if (intent.intent === "edit")
    return canApply(session, "edit")
      ? { route: "edit", request: intent.request }
      : { route: "refuse", code: "no_segment", message: nothingToEdit(session) };
  if (intent.intent === "off_topic")
    return {
      route: "refuse",
      code: "out_of_scope",
      message:
        'That does not seem to be about the segment, so nothing changed. Say how to change it (e.g. "only those who spent over £500") or describe another segment.',
    };
  if (intent.intent === "unclear")
    return canApply(session, "ask")
      ? { route: "unclear" }
      : { route: "create", request: intent.request };
  // "undo", "drop the country filter" with nothing to change: say so rather than misread it.
  if (intent.editOnly && !canApply(session, "edit"))
    return { route: "refuse", code: "no_segment", message: nothingToEdit(session) };
  return { route: "create", request: intent.request };
}

export function nothingToEdit(session: Session): string {
  return `There is no finished segment in this conversation to change yet (it is ${describePhase(session)}). Describe the customers you want first, e.g. "customers in France who spent over £500".`;
}

interface Understood {
  lineage: Lineage | null;
  decision: Decision;
  intent: IntentResult | null;
  text: string;
  session: Session;
}

/** What the turn is: its command, or the screened message classified against the session. */
async function understand(
  state: ConversationStateType,
  ctx: NscContext,
  tenantId: string,
  asOf: string,
  maxRequestChars: number,
  from: Session,
): Promise<Understood> {
  const tenant = ctx.tenant(tenantId);
  let session = from;
  let lineage = tenant ? await synced(ctx, tenantId, state.lineage ?? null) : null;
  if (state.command?.kind === "load" && tenant) {
    lineage = await loaded(ctx, tenantId, state.command.segmentId);
    session = transition(session, "load", currentVersion(lineage)!.version);
  }
  const done = (decision: Decision, text = "", intent: IntentResult | null = null) => ({
    lineage,
    decision,
    intent,
    text,
    session,
  });
  if (!tenant)
    return done({
      route: "refuse",
      code: "unknown_tenant",
      message: tenantId ? `Unknown tenant "${tenantId}".` : "No tenant given.",
    });
  if (state.command?.kind === "load" && !state.message?.trim()) return done({ route: "explain" });
  if (state.command?.kind === "revert") return done(decide(session, null, state.command));
  const screened = screen(state.message ?? "", maxRequestChars);
  const refused = screened.rejection ?? refusalOf(screened.text, tenant);
  if (refused) return done({ route: "refuse", ...refused }, screened.text);
  const hasSegment = session.version !== null && canApply(session, "edit");
  const intent = await ctx.skills.intent.classify(screened.text, {
    ...skillContextFor(ctx, tenantId, asOf),
    hasSegment,
  });
  const forced =
    state.forceEdit && hasSegment && intent.intent !== "explain"
      ? { ...intent, intent: "edit" as const }
      : intent;
  return done(decide(session, forced, null), screened.text, forced);
}

export async function perceiveMessage(
  state: ConversationStateType,
  config: LangGraphRunnableConfig,
): Promise<ConversationUpdate> {
  const ctx = requireContext(config);
  const { maxRequestChars } = nscConfigFrom(config.configurable);
  const tenantId = state.tenant || ctx.defaultTenant || "";
  const asOf = state.asOf || ctx.tenant(tenantId)?.config.asOf || "";
  // A turn starts when nothing else runs the thread: a running phase found now was cut short
  // (abort, crash, timeout), and the thread carries on from the stable state it started from.
  const from = resumed(settle(sessionOf(state), false));
  const turn = (state.turn ?? 0) + 1;
  const { result, audit } = await timed(
    "perceiveMessage",
    () => understand(state, ctx, tenantId, asOf, maxRequestChars, from),
    (r) => ({
      turn,
      intent: r.intent?.intent ?? null,
      cues: r.intent?.cues ?? [],
      route: r.decision.route,
      // The LLM router's decision on the intent, when the LLM tier routed it.
      ...(r.intent && "route" in r.intent ? { intentRoute: r.intent.route } : {}),
      session: r.session.phase,
    }),
  );
  const { decision, lineage, session } = result;
  const current = currentVersion(lineage);
  // A refusal or a question about the segment while a question waits keeps that question's
  // turn as it is, so the question is put again and its answer still works.
  const waiting =
    questionWaits(session, state.pendingQuestion) &&
    (decision.route === "refuse" || decision.route === "explain");
  const base = {
    ...(waiting ? {} : FRESH_TURN),
    tenant: tenantId,
    asOf,
    turn,
    intent: result.intent,
    lineage,
    command: null,
    forceEdit: false,
    remembered: { ...(state.remembered ?? {}), ...(state.answers ?? {}) },
    audit,
  } satisfies ConversationUpdate;
  switch (decision.route) {
    case "create":
      return {
        ...base,
        session: transition(session, "create"),
        request: decision.request,
        status: "running",
      };
    case "edit":
      return {
        ...base,
        session: transition(session, "edit"),
        request: decision.request,
        text: result.text,
        status: "running",
        editPlan: decision.plan ?? null,
        editKind: decision.plan?.kind ?? null,
        baseSegment: current?.segment ?? null,
        baseSize: current?.size ?? null,
        baseVersion: current?.version ?? null,
      };
    case "explain":
    case "unclear":
      return { ...base, session, text: result.text, status: "running", rejection: null };
    case "refuse":
      return {
        ...base,
        session,
        text: result.text,
        status: "rejected",
        rejection: { code: decision.code, message: decision.message },
      };
  }
}
