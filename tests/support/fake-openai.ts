/**
 * A local OpenAI-compatible chat.completions server for tests (no network): a Hono app on an
 * ephemeral loopback port that answers what the test scripts, and fails on cue — a delay past
 * the client's timeout, 429, 500, malformed JSON, an answer that breaks the schema — with an
 * optional latency on every call. It answers both structured-output shapes: `response_format`
 * json_schema (the answer is the message content) and a forced tool call (its arguments).
 * It also serves `/v1/embeddings` (float or base64, as the openai SDK asks by default) with
 * deterministic vectors (`embedText`), failing on cue the same way.
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

export type FakeReply =
  /** A structured answer (any JSON: tests send schema-violating ones too). */
  | { answer: unknown; usage?: { in: number; out: number } }
  /** Content that is not JSON at all. */
  | { malformed: string }
  /** An HTTP error with OpenAI's error body. */
  | { status: number }
  /** Waits this long before answering (past the client's timeout, it never sees the answer). */
  | { hangMs: number; then?: FakeReply };

export interface FakeRequest {
  model: string;
  /** The user message parsed as JSON: the skill's input. */
  input: unknown;
  system: string;
  /** How structured output was asked for. */
  method: "jsonSchema" | "functionCalling";
  /** The structured output's name (json_schema name or forced tool): the skill's prompt, `map_1`. */
  name: string;
}

export type Responder = (req: FakeRequest) => FakeReply;

const ChatBody = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.string(), content: z.unknown() })),
  response_format: z
    .object({ type: z.string(), json_schema: z.object({ name: z.string() }).optional() })
    .passthrough()
    .optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.object({ function: z.object({ name: z.string() }) }).optional(),
});

export interface FakeEmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
}

/** A scripted /embeddings outcome: an HTTP error, or a wait before answering normally. */
export type FakeEmbeddingReply = { status: number } | { hangMs: number };

const EmbeddingBody = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string())]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
});

/** Vector length when the request names no `dimensions`. */
export const FAKE_EMBEDDING_DIMENSION = 16;

/**
 * The fake's embedding of a text: each word adds 1 at a hashed position (FNV-1a), then the
 * vector is L2-normalised. Texts sharing words are similar, which is all tests need.
 */
export function embedText(text: string, dimension = FAKE_EMBEDDING_DIMENSION): number[] {
  const v = new Array<number>(dimension).fill(0);
  for (const word of text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)) {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
    v[h % dimension]! += 1;
  }
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
}

const text = (content: unknown) =>
  typeof content === "string" ? content : JSON.stringify(content);

export class FakeOpenAI {
  /** Every request received, in order (including ones that failed on cue). */
  readonly requests: FakeRequest[] = [];
  private queue: FakeReply[] = [];
  private responder: Responder = () => ({ status: 500 });
  latencyMs = 0;
  /** Every /embeddings request received, in order. */
  readonly embeddingRequests: FakeEmbeddingRequest[] = [];
  private embeddingQueue: FakeEmbeddingReply[] = [];

  private constructor(
    private readonly server: ServerType,
    readonly port: number,
  ) {}

  /** The base URL for OPENAI_BASE_URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Answers every request not taken by a queued reply. */
  respond(responder: Responder): void {
    this.responder = responder;
  }

  /** Replies used once each, in order, before the responder. */
  enqueue(...replies: FakeReply[]): void {
    this.queue.push(...replies);
  }

  /** /embeddings outcomes used once each, in order, before normal answers. */
  enqueueEmbeddings(...replies: FakeEmbeddingReply[]): void {
    this.embeddingQueue.push(...replies);
  }

  reset(): void {
    this.embeddingRequests.length = 0;
    this.embeddingQueue = [];
    this.requests.length = 0;
    this.queue = [];
    this.latencyMs = 0;
    this.responder = () => ({ status: 500 });
  }

  private async reply(
    req: FakeRequest,
    reply: FakeReply,
    toolName: string | undefined,
  ): Promise<{ status: number; body: unknown }> {
    if ("hangMs" in reply) {
      await sleep(reply.hangMs);
      return this.reply(req, reply.then ?? { status: 500 }, toolName);
    }
    if ("status" in reply) {
      return {
        status: reply.status,
        body: { error: { message: `scripted ${reply.status}`, type: "fake", code: null } },
      };
    }
    const content = "malformed" in reply ? reply.malformed : JSON.stringify(reply.answer);
    const usage = "usage" in reply && reply.usage ? reply.usage : { in: 100, out: 20 };
    const message = toolName
      ? {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: toolName, arguments: content } },
          ],
        }
      : { role: "assistant", content };
    return {
      status: 200,
      body: {
        id: `chatcmpl-${this.requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: req.model,
        choices: [
          { index: 0, message, finish_reason: toolName ? "tool_calls" : "stop", logprobs: null },
        ],
        usage: {
          prompt_tokens: usage.in,
          completion_tokens: usage.out,
          total_tokens: usage.in + usage.out,
        },
      },
    };
  }

  private app(): Hono {
    const app = new Hono();
    app.post("/v1/chat/completions", async (c) => {
      const body = ChatBody.parse(await c.req.json());
      const user = [...body.messages].reverse().find((m) => m.role === "user");
      const system = body.messages.find((m) => m.role === "system");
      let input: unknown;
      try {
        input = JSON.parse(text(user?.content));
      } catch {
        input = text(user?.content);
      }
      const req: FakeRequest = {
        model: body.model,
        input,
        system: text(system?.content ?? ""),
        method: body.tools ? "functionCalling" : "jsonSchema",
        name: body.tool_choice?.function.name ?? body.response_format?.json_schema?.name ?? "",
      };
      this.requests.push(req);
      if (this.latencyMs) await sleep(this.latencyMs);
      const scripted = this.queue.shift() ?? this.responder(req);
      const { status, body: out } = await this.reply(
        req,
        scripted,
        body.tool_choice?.function.name,
      );
      return c.json(out, status as 200);
    });
    app.post("/v1/embeddings", async (c) => {
      const body = EmbeddingBody.parse(await c.req.json());
      const input = typeof body.input === "string" ? [body.input] : body.input;
      this.embeddingRequests.push({ model: body.model, input, dimensions: body.dimensions });
      if (this.latencyMs) await sleep(this.latencyMs);
      const scripted = this.embeddingQueue.shift();
      if (scripted && "hangMs" in scripted) await sleep(scripted.hangMs);
      if (scripted && "status" in scripted) {
        const error = { message: `scripted ${scripted.status}`, type: "fake", code: null };
        return c.json({ error }, scripted.status as 500);
      }
      const data = input.map((t, index) => {
        const vector = embedText(t, body.dimensions ?? FAKE_EMBEDDING_DIMENSION);
        const embedding =
          body.encoding_format === "base64"
            ? Buffer.from(Float32Array.from(vector).buffer).toString("base64")
            : vector;
        return { object: "embedding", index, embedding };
      });
      const tokens = input.reduce((n, t) => n + t.split(/\s+/).length, 0);
      return c.json({
        object: "list",
        data,
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    });
    return app;
  }

  static async start(): Promise<FakeOpenAI> {
    const holder: { fake?: FakeOpenAI; app?: Hono } = {};
    const fetch = (req: Request) => (holder.app ??= holder.fake!.app()).fetch(req);
    const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
      const server = serve({ fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) =>
        resolve({ server, port: info.port }),
      );
    });
    holder.fake = new FakeOpenAI(server, port);
    return holder.fake;
  }

  async close(): Promise<void> {
    if ("closeAllConnections" in this.server) this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
