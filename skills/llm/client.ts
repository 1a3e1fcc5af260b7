/**
 * One structured model call with everything around it: the response cache, the tenant's
 * token budget, cockatiel's timeout, retry (429, 5xx and network errors only, exponential
 * backoff) and a circuit breaker per endpoint, and the counters. It never throws for a model
 * failure: the caller gets a reason and decides what answers instead (the router: the rules).
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from "cockatiel";
import type { z } from "zod";
import type { LlmConfig } from "../../state/config.ts";
import type { TokenBudget } from "./budget.ts";
import { cacheKey, type ResponseCache } from "./cache.ts";
import type { LlmMetrics } from "./metrics.ts";
import type { Prompt } from "./prompts.ts";

export type FailureReason =
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "network"
  | "client_error"
  | "breaker_open"
  | "over_budget"
  | "invalid_output";

/** What one call cost and how it went: the audit trail's record of a model decision. */
export interface CallRecord {
  model: string;
  prompt: string;
  promptHash: string;
  outcome: "ok" | FailureReason;
  cached: boolean;
  ms: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export type CallResult<R> =
  | { ok: true; value: R; record: CallRecord }
  | { ok: false; reason: FailureReason; detail: string; record: CallRecord };

/** The skill's strict reading of an answer: what it means, or every reason it means nothing. */
export type Reading<R> = { ok: true; value: R } | { ok: false; problems: string[] };

export interface StructuredRequest<T, R> {
  tenant: string;
  prompt: Prompt;
  system: string;
  input: unknown;
  schema: z.ZodType<T>;
  /** Only an answer read successfully is cached; one that is not is `invalid_output`. */
  read(answer: T): Reading<R>;
  model: string;
  signal?: AbortSignal;
}

export type ChatModelFactory = (model: string) => BaseChatModel;

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** openai's connection errors, and Node's socket errors beneath them. */
function isNetworkError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    err.name === "APIConnectionError" ||
    (typeof code === "string" && /^(ECONN|ENOTFOUND|EPIPE|ETIMEDOUT|UND_ERR)/.test(code))
  );
}

function isTimeout(err: Error): boolean {
  return err instanceof TaskCancelledError || err.name === "TimeoutError";
}

/** Worth another attempt: the endpoint may answer next time. */
const isTransient = (err: Error) => {
  const status = statusOf(err);
  return status === 429 || (status !== undefined && status >= 500) || isNetworkError(err);
};

export function reasonOf(err: unknown): FailureReason {
  if (err instanceof BrokenCircuitError) return "breaker_open";
  if (!(err instanceof Error)) return "invalid_output";
  if (isTimeout(err)) return "timeout";
  const status = statusOf(err);
  if (status === 429) return "rate_limited";
  if (status !== undefined && status >= 500) return "server_error";
  if (status !== undefined) return "client_error";
  if (isNetworkError(err)) return "network";
  // Whatever else the call threw came from reading the answer (JSON, schema): the model's.
  return "invalid_output";
}

/**
 * The reader is strict by design, so whatever it throws — a case it did not foresee — is a
 * reason to distrust the answer, never a reason to fail the request.
 */
function readSafely<T, R>(read: (answer: T) => Reading<R>, answer: T): Reading<R> {
  try {
    return read(answer);
  } catch (err) {
    return {
      ok: false,
      problems: [`unreadable: ${err instanceof Error ? err.message : String(err)}`],
    };
  }
}

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
}

/** ChatOpenAI with includeRaw gives { raw, parsed }; fake test models give the parsed value. */
function unpack(out: unknown): { parsed: unknown; usage: Usage | undefined } {
  if (out && typeof out === "object" && "raw" in out && "parsed" in out) {
    const raw = out.raw as BaseMessage & { usage_metadata?: Usage };
    return { parsed: out.parsed, usage: raw.usage_metadata };
  }
  return { parsed: out, usage: undefined };
}

/** Running totals of one client: what a benchmark or an evaluation reads before and after. */
export interface LlmTotals {
  /** Calls sent to the endpoint (each router attempt; failed ones included, retries not). */
  calls: number;
  /** Answers served from the cache (nothing sent). */
  cached: number;
  tokens: number;
  costUsd: number;
}

export class LlmClient {
  readonly totals: LlmTotals = { calls: 0, cached: 0, tokens: 0, costUsd: 0 };
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly policies = new Map<string, IPolicy>();

  constructor(
    private readonly cfg: LlmConfig,
    private readonly deps: {
      models: ChatModelFactory;
      cache: ResponseCache;
      budget: TokenBudget;
      metrics: LlmMetrics;
    },
  ) {
    deps.metrics.watchBreakers(() =>
      [...this.breakers].map(([endpoint, b]) => ({ endpoint, state: b.state })),
    );
  }

  /** The endpoint's breaker state (closed, open, half-open). */
  breakerState(endpoint = this.cfg.baseUrl): CircuitState {
    return this.breakers.get(endpoint)?.state ?? CircuitState.Closed;
  }

  private policy(endpoint: string): IPolicy {
    let policy = this.policies.get(endpoint);
    if (policy) return policy;
    // Only the endpoint's health opens its breaker; a model's bad answer is not an outage.
    const breaker = circuitBreaker(
      handleWhen((e) => isTransient(e) || isTimeout(e)),
      {
        halfOpenAfter: this.cfg.breakerHalfOpenMs,
        breaker: new ConsecutiveBreaker(this.cfg.breakerFailures),
      },
    );
    const retries = retry(handleWhen(isTransient), {
      maxAttempts: this.cfg.maxRetries,
      backoff: new ExponentialBackoff({
        initialDelay: this.cfg.retryBaseMs,
        maxDelay: this.cfg.retryBaseMs * 8,
      }),
    });
    // Retry outermost: each attempt has its own timeout and counts for the breaker; an open
    // breaker is not retried.
    policy = wrap(retries, breaker, timeout(this.cfg.timeoutMs, TimeoutStrategy.Aggressive));
    this.breakers.set(endpoint, breaker);
    this.policies.set(endpoint, policy);
    return policy;
  }

  private cost(model: string, tokensIn: number, tokensOut: number): number {
    const price = this.cfg.prices[model];
    if (!price) return 0;
    return (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
  }

  async call<T, R>(req: StructuredRequest<T, R>): Promise<CallResult<R>> {
    const started = performance.now();
    const labels = { skill: req.prompt.id, model: req.model };
    const record = (outcome: CallRecord["outcome"], extra: Partial<CallRecord> = {}) => ({
      model: req.model,
      prompt: req.prompt.id,
      promptHash: req.prompt.hash,
      outcome,
      cached: false,
      ms: Math.round(performance.now() - started),
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      ...extra,
    });
    const fail = (reason: FailureReason, detail: string, extra?: Partial<CallRecord>) => {
      this.deps.metrics.calls.inc({ ...labels, outcome: reason });
      return { ok: false as const, reason, detail, record: record(reason, extra) };
    };
    const key = cacheKey({
      tenant: req.tenant,
      skill: req.prompt.id,
      promptHash: req.prompt.hash,
      model: req.model,
      input: req.input,
    });
    // Read again on a hit: the catalog the answer was checked against may have changed.
    const hit = req.schema.safeParse(await this.deps.cache.get(key));
    const hitReading = hit.success ? readSafely(req.read, hit.data) : undefined;
    if (hitReading?.ok) {
      this.totals.cached++;
      this.deps.metrics.cacheHits.inc(labels);
      return { ok: true, value: hitReading.value, record: record("ok", { cached: true }) };
    }
    if (!(await this.deps.budget.allows(req.tenant))) {
      return fail("over_budget", `tenant ${req.tenant} spent its daily tokens`);
    }
    const runnable = this.deps.models(req.model).withStructuredOutput(req.schema, {
      method: this.cfg.structuredMethod,
      includeRaw: true,
      name: req.prompt.id.replace(/\W/g, "_"),
    });
    const messages = [new SystemMessage(req.system), new HumanMessage(JSON.stringify(req.input))];
    let out: unknown;
    this.totals.calls++;
    try {
      out = await this.policy(this.cfg.baseUrl).execute(
        ({ signal }) => runnable.invoke(messages, { signal }),
        req.signal,
      );
    } catch (err) {
      return fail(reasonOf(err), err instanceof Error ? err.message : String(err));
    }
    const { parsed, usage } = unpack(out);
    const tokensIn = usage?.input_tokens ?? 0;
    const tokensOut = usage?.output_tokens ?? 0;
    const costUsd = this.cost(req.model, tokensIn, tokensOut);
    await this.deps.budget.charge(req.tenant, tokensIn + tokensOut);
    this.totals.tokens += tokensIn + tokensOut;
    this.totals.costUsd += costUsd;
    this.deps.metrics.tokens.inc({ ...labels, direction: "in" }, tokensIn);
    this.deps.metrics.tokens.inc({ ...labels, direction: "out" }, tokensOut);
    this.deps.metrics.costUsd.inc(labels, costUsd);
    const spent = { tokensIn, tokensOut, costUsd };
    // The provider's parser may hand back anything (fakes skip it): the schema decides.
    const checked = req.schema.safeParse(parsed);
    if (!checked.success)
      return fail("invalid_output", "the answer does not fit the schema", spent);
    const reading = readSafely(req.read, checked.data);
    if (!reading.ok) return fail("invalid_output", reading.problems.join("; "), spent);
    this.deps.metrics.calls.inc({ ...labels, outcome: "ok" });
    await this.deps.cache.set(key, checked.data);
    return { ok: true, value: reading.value, record: record("ok", spent) };
  }
}
