/**
 * Await answer: put the pending question to the user through `interrupt()` and take the
 * answer. A creation's answer rewrites the request (and is remembered under the question's
 * key); an edit's picks one of the readings offered, or is itself a new edit; the intent
 * question's picks the flow.
 */
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { failureOf } from "../state/audit-entry.ts";
import { requireContext, tenantOf } from "../state/context.ts";
import { looksLikeSegmentRequest } from "./perceive.ts";
import {
  sessionOf,
  type ConversationStateType,
  type ConversationUpdate,
} from "../state/conversation-state.ts";
import { currentVersion } from "../state/edit.ts";
import { auditEntry, type Clarification } from "../state/graph-state.ts";
import { memoryFrom, rememberable } from "../state/memory.ts";
import { transition } from "../state/session.ts";
import {
  answerLabel,
  answerText,
  resolveAnswer,
  type ClarificationAnswer,
} from "../segment/questions.ts";
import { pickOption } from "../segment/answers.ts";
import { CREATE_PICK, EDIT_PICK } from "./ask-intent.ts";

/**
 * A creation's answer is remembered for the user (or the tenant) when its question means the
 * same in another request; a resumed run writes the same row again, which changes nothing.
 */
async function remember(
  config: LangGraphRunnableConfig,
  state: ConversationStateType,
  q: Clarification,
  answer: string,
): Promise<void> {
  const memory = requireContext(config).memory;
  if (!memory || !rememberable(q.key) || !answer) return;
  const { subject, remember: scope } = memoryFrom(config.configurable, state.tenant);
  if (scope === "none") return;
  await memory.rememberAnswer(subject, scope, {
    key: q.key,
    term: q.span?.text ?? q.key.slice(q.key.indexOf(":") + 1),
    question: q.question,
    answer,
    threadId: String(config.configurable?.thread_id ?? ""),
  });
}

export async function awaitAnswer(
  state: ConversationStateType,
  config: LangGraphRunnableConfig,
): Promise<ConversationUpdate> {
  const q = state.pendingQuestion;
  if (!q) throw new Error("awaitAnswer reached with no question");
  const answer = interrupt<Clarification, ClarificationAnswer>(q);
  const session = sessionOf(state);
  const record = auditEntry("awaitAnswer", 0, { key: q.key, flow: q.flow ?? "create", answer });
  const common = { pendingQuestion: null, status: "running" as const };
  if (q.flow === "intent") {
    const pick = pickOption(answer, q, { yes: EDIT_PICK, no: CREATE_PICK });
    const create = pick === CREATE_PICK;
    const current = currentVersion(state.lineage);
    // "change this one, Portugal instead of Italy": the answer says the edit itself.
    const ctx = requireContext(config);
    const text = answerText(answer);
    const says = !create && looksLikeSegmentRequest(text, tenantOf(ctx, state.tenant).retriever);
    return {
      ...common,
      session: transition(session, create ? "create" : "edit"),
      ...(create
        ? { request: state.intent?.request ?? state.request }
        : says
          ? { request: text }
          : {}),
      audit: [{ ...record, detail: { ...record.detail, picked: create ? "create" : "edit" } }],
      ...(create
        ? {}
        : {
            baseSegment: current?.segment ?? null,
            baseSize: current?.size ?? null,
            baseVersion: current?.version ?? null,
          }),
    };
  }
  if (q.flow === "edit") {
    const confirm = q.key.startsWith("confirm:");
    const pick = pickOption(answer, q, confirm ? { yes: 0, no: 1 } : undefined);
    const choice = pick === undefined ? undefined : state.editChoices?.[pick];
    if (choice && state.editPlan) {
      return {
        ...common,
        session: transition(session, "answer"),
        editPlan: {
          ...state.editPlan,
          ops: choice.ops,
          choices: [],
          decided: true,
          rules: [...state.editPlan.rules, `answer:${pick}`],
        },
        editChoices: [],
        confirmedEmpty: state.confirmedEmpty || choice.confirmsEmpty === true,
        audit: [{ ...record, detail: { ...record.detail, picked: choice.label } }],
      };
    }
    // Not one of the options: the answer is the edit the user meant.
    return {
      ...common,
      session: transition(session, "answer"),
      request: answerText(answer),
      editPlan: null,
      editChoices: [],
      audit: [{ ...record, detail: { ...record.detail, picked: "new edit" } }],
    };
  }
  const request = resolveAnswer(answer, q, state.text);
  const label = answerLabel(answer, q);
  // Memory is best effort: the answer is the user's either way, and a failed write is
  // audited rather than failing the turn.
  const memoryError = await failureOf(remember(config, state, q, label));
  return {
    ...common,
    session: transition(session, "answer"),
    request,
    answerSource: "user",
    answers: { ...(state.answers ?? {}), [q.key]: label },
    audit: [
      { ...record, detail: { ...record.detail, request, ...(memoryError ? { memoryError } : {}) } },
    ],
  };
}
