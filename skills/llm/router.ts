/**
 * The model router, per step (intent, decompose, date tagging, linking, map and edit): the
 * rules answer when they are sure (confidence at least the threshold, nothing to ask);
 * otherwise the cheap model; an answer that fails the
 * strict reading goes once to the strong model; and when the models cannot help (down, slow,
 * over budget, breaker open, or both answers invalid) the rules' own answer stands, with the
 * question or refusal it carries. Every decision rides on the step's result (`route`), which
 * the node records in the audit trail.
 */
import type { LlmStep, StepModels } from "../../state/config.ts";
import type { EditPlan } from "../../state/edit.ts";
import type {
  DateTagResult,
  DecomposeResult,
  IntentResult,
  MapResult,
  ShortlistResult,
  SkillSet,
} from "../types.ts";
import type { CallRecord, CallResult, FailureReason, LlmClient } from "./client.ts";
import { llmTagDates } from "./dates.ts";
import { llmDecompose } from "./decompose.ts";
import { llmEdit } from "./edit.ts";
import { llmIntent } from "./intent.ts";
import { llmShortlist } from "./link.ts";
import { llmMap } from "./map.ts";
import type { LlmMetrics } from "./metrics.ts";

export interface RouteDecision {
  tier: "rules" | "llm";
  /** Why this tier answered. */
  reason: "rules_confident" | "llm_valid" | "escalated_valid" | "fallback";
  /** The rules' confidence, which decided whether a model was asked. */
  rulesConfidence: number;
  /** The failure that sent the step back to the rules, when it went back. */
  fallback?: FailureReason;
  /** Each model call made for the step, in order (cache hits included, marked). */
  calls: CallRecord[];
}

export type RoutedSkill = LlmStep;

/** The least confidence of the rules' pieces (1 when there are none: nothing to doubt). */
const least = (xs: number[]) => (xs.length ? Math.min(...xs) : 1);

export interface RouterOptions {
  /** `llm`: a model is asked even when the rules are sure (they remain the fallback). */
  mode?: "hybrid" | "llm";
  routeBelowConfidence: number;
  model: string;
  /** Tried once when the cheap model's answer is invalid. */
  strongModel?: string;
  /** Per step, over `model` / `strongModel`. */
  stepModels?: StepModels;
  /** Per tenant and step, over everything else. */
  tenantModels?: Record<string, StepModels>;
}

/**
 * The models a step asks for a tenant, in order: the cheap one, then the strong one (when it
 * differs). The tenant's setting for the step wins, then the step's, then the default pair.
 */
export function modelsFor(opts: RouterOptions, step: LlmStep, tenant: string): string[] {
  const chosen = opts.tenantModels?.[tenant]?.[step] ??
    opts.stepModels?.[step] ?? { model: opts.model, strongModel: opts.strongModel };
  const { model, strongModel } = chosen;
  return [model, ...(strongModel && strongModel !== model ? [strongModel] : [])];
}

export function routedSkills(
  rules: SkillSet,
  client: LlmClient,
  metrics: LlmMetrics,
  opts: RouterOptions,
): SkillSet {
  /** The rules' result unless a model gives a valid one; the decision rides along. */
  async function route<T extends object>(
    skill: RoutedSkill,
    tenant: string,
    base: T,
    rulesConfidence: number,
    sure: boolean,
    ask: (model: string) => Promise<CallResult<T>>,
  ): Promise<T & { route: RouteDecision }> {
    const decide = (result: T, route: RouteDecision) => {
      const decision = route.fallback ? `fallback:${route.fallback}` : route.reason;
      metrics.decisions.inc({ skill, decision });
      return { ...result, route };
    };
    if (sure)
      return decide(base, { tier: "rules", reason: "rules_confident", rulesConfidence, calls: [] });
    const calls: CallRecord[] = [];
    let fallback: FailureReason = "invalid_output";
    for (const [i, model] of modelsFor(opts, skill, tenant).entries()) {
      const answer = await ask(model);
      calls.push(answer.record);
      if (answer.ok) {
        const reason = i === 0 ? "llm_valid" : "escalated_valid";
        return decide(answer.value, { tier: "llm", reason, rulesConfidence, calls });
      }
      fallback = answer.reason;
      // Only a bad answer is worth a stronger model; an outage or a budget is not.
      if (answer.reason !== "invalid_output") break;
    }
    return decide(base, { tier: "rules", reason: "fallback", rulesConfidence, fallback, calls });
  }

  const hybrid = opts.mode !== "llm";
  const confident = (c: number) => hybrid && c >= opts.routeBelowConfidence;
  return {
    ...rules,
    intent: {
      async classify(text, ctx): Promise<IntentResult> {
        const base = await rules.intent.classify(text, ctx);
        return route(
          "intent",
          ctx.tenant.tenant,
          base,
          base.confidence,
          confident(base.confidence),
          (model) => llmIntent(client, model, text, ctx),
        );
      },
    },
    decompose: {
      async decompose(text, ctx): Promise<DecomposeResult> {
        const base = await rules.decompose.decompose(text, ctx);
        const sure = base.subSegments.length > 0 && confident(base.confidence);
        return route("decompose", ctx.tenant.tenant, base, base.confidence, sure, (model) =>
          llmDecompose(client, model, text, ctx),
        );
      },
    },
    tagDates: {
      async tag(text, subSegments, ctx): Promise<DateTagResult> {
        const base = await rules.tagDates.tag(text, subSegments, ctx);
        const c = least(base.tags.map((t) => t.confidence));
        return route("dates", ctx.tenant.tenant, base, c, confident(c), (model) =>
          llmTagDates(client, model, text, subSegments, ctx),
        );
      },
    },
    shortlist: {
      async shortlist(text, subSegments, ctx): Promise<ShortlistResult> {
        const base = await rules.shortlist.shortlist(text, subSegments, ctx);
        const c = least(base.mentions.map((m) => (m.exact ? 1 : m.score)));
        return route("link", ctx.tenant.tenant, base, c, confident(c), (model) =>
          llmShortlist(client, model, text, subSegments, base, ctx),
        );
      },
    },
    map: {
      async map(input, ctx): Promise<MapResult> {
        const base = await rules.map.map(input, ctx);
        const sure =
          opts.mode !== "llm" &&
          base.root !== null &&
          base.ambiguities.length === 0 &&
          base.confidence >= opts.routeBelowConfidence;
        return route("map", ctx.tenant.tenant, base, base.confidence, sure, (model) =>
          llmMap(client, model, input, ctx),
        );
      },
    },
    edit: {
      async understand(input, ctx): Promise<EditPlan> {
        const base = await rules.edit.understand(input, ctx);
        // Undo, redo and revert are the rules' alone: a model adds nothing to "undo".
        const sure =
          base.kind !== "edit" ||
          base.decided === true ||
          (opts.mode !== "llm" &&
            base.refusal === null &&
            base.choices.length === 0 &&
            base.confidence >= opts.routeBelowConfidence);
        return route("edit", ctx.tenant.tenant, base, base.confidence, sure, (model) =>
          llmEdit(client, model, input, ctx, rules),
        );
      },
    },
  };
}
