/**
 * The `segment` command line: create a segment from plain English, answer its clarifying
 * questions, run a batch, load the warehouse. Results on stdout, progress on stderr.
 *
 * Exit codes: 0 ok or needs_clarification, 2 rejected input, 1 internal error.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { z } from "zod";
import { InputError, runRequest, type RunResult } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { addServerCommands } from "../server/cli.ts";
import { DataNotFoundError } from "../warehouse/load-online-retail.ts";
import { formatResult } from "./format.ts";
import {
  EXIT,
  envWith,
  toJson,
  underThreadLock,
  withServices,
  type SourceOption,
} from "./common.ts";
import { registerImprove } from "./improve-command.ts";
import { registerReplay } from "./replay-command.ts";
import { registerSegmentCommands } from "./segment-commands.ts";
import { createProgress } from "./progress.ts";

interface CreateOptions extends SourceOption {
  tenant?: string;
  asOf?: string;
  json?: boolean;
  members?: boolean;
  thread?: string;
  answer?: string;
  batch?: string;
  quiet?: boolean;
}

/** A real calendar day as YYYY-MM-DD: 2011-02-30 is refused, as the API refuses it. */
export function isoDate(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(date.getTime()) ||
    !date.toISOString().startsWith(value)
  ) {
    throw new InvalidArgumentError("expected a calendar date as YYYY-MM-DD");
  }
  return value;
}

/** Asks the pending question in the terminal until the segment is done or rejected. */
async function converse(
  services: Services,
  first: RunResult,
  opts: CreateOptions,
  progress: ReturnType<typeof createProgress>,
): Promise<RunResult> {
  let result = first;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    while (result.status === "needs_clarification" && result.clarification) {
      process.stderr.write(`\n? ${result.clarification.question}\n`);
      result.clarification.options.forEach((o, i) => {
        const size = o.size === undefined ? "" : `  (${o.size} customers)`;
        process.stderr.write(`  ${i + 1}. ${o.label}${size}\n`);
      });
      const answer = (await rl.question("Your answer (number or text): ")).trim();
      if (!answer) continue;
      const threadId = result.thread_id;
      result = await underThreadLock(
        services,
        threadId,
        `Another turn of conversation ${threadId}`,
        () =>
          runRequest(services, {
            threadId,
            answer,
            members: opts.members,
            actor: "cli",
            onStep: progress.step,
          }),
      );
    }
  } finally {
    rl.close();
  }
  return result;
}

async function createCommand(request: string | undefined, opts: CreateOptions): Promise<number> {
  if (opts.batch && request !== undefined)
    throw new InputError("give either --batch FILE or a request, not both");
  if (opts.batch) return batchCommand(opts);
  if (opts.answer === undefined && request === undefined)
    throw new InputError("give the request in quotes, or --thread and --answer");
  if (opts.answer !== undefined && !opts.thread) throw new InputError("--answer needs --thread");
  const interactive = !opts.json && process.stdin.isTTY && process.stderr.isTTY;
  return withServices(opts, Boolean(opts.quiet || opts.json), async (services, progress) => {
    const turn = () =>
      runRequest(services, {
        tenant: opts.tenant ?? services.defaultTenant,
        asOf: opts.asOf,
        request,
        threadId: opts.thread,
        answer: opts.answer,
        members: opts.members,
        actor: "cli",
        onStep: progress.step,
      });
    // A follow-up or an answer runs under the conversation's lock, as the API's do.
    let result = opts.thread
      ? await underThreadLock(
          services,
          opts.thread,
          `Another turn of conversation ${opts.thread}`,
          turn,
        )
      : await turn();
    if (interactive && result.status === "needs_clarification")
      result = await converse(services, result, opts, progress);
    process.stdout.write(
      opts.json
        ? `${JSON.stringify(toJson(result, Boolean(opts.members)))}\n`
        : formatResult(result, Boolean(opts.members)),
    );
    return EXIT[result.status];
  });
}

const Turn = z.union([z.string(), z.object({ answer: z.union([z.string(), z.number()]) })]);
/** A request, or a conversation: the first request, then follow-ups and answers in order. */
const BatchLine = z.union([
  z.object({ id: z.union([z.string(), z.number()]), query: z.string() }),
  z.object({ id: z.union([z.string(), z.number()]), turns: z.array(Turn).min(1) }),
]);

/** Runs one batch line's turns on one thread; one JSON object per turn. */
async function batchConversation(
  services: Services,
  opts: CreateOptions,
  id: string | number,
  turns: z.infer<typeof Turn>[],
): Promise<void> {
  let threadId: string | undefined;
  for (const [k, turn] of turns.entries()) {
    const result = await runRequest(services, {
      tenant: opts.tenant ?? services.defaultTenant,
      asOf: opts.asOf,
      threadId,
      ...(typeof turn === "string" ? { request: turn } : { answer: turn.answer }),
      members: opts.members,
    });
    threadId = result.thread_id;
    process.stdout.write(
      `${JSON.stringify({ id, turn: k + 1, ...toJson(result, Boolean(opts.members)) })}\n`,
    );
  }
}

async function batchCommand(opts: CreateOptions): Promise<number> {
  let text: string;
  try {
    text = readFileSync(opts.batch!, "utf8");
  } catch (err) {
    throw new InputError(`cannot read ${opts.batch}: ${(err as Error).message}`);
  }
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  let failed = 0;
  return withServices(opts, Boolean(opts.quiet), async (services, progress) => {
    for (const [n, line] of lines.entries()) {
      let id: string | number = n + 1;
      try {
        const parsed = BatchLine.safeParse(JSON.parse(line));
        if (!parsed.success)
          throw new InputError(`line ${n + 1}: expected {"id", "query"} or {"id", "turns": [...]}`);
        id = parsed.data.id;
        const turns = "turns" in parsed.data ? parsed.data.turns : [parsed.data.query];
        progress.status(
          `[${n + 1}/${lines.length}] ${typeof turns[0] === "string" ? turns[0] : ""}`,
        );
        if ("query" in parsed.data) {
          const result = await runRequest(services, {
            tenant: opts.tenant ?? services.defaultTenant,
            asOf: opts.asOf,
            request: parsed.data.query,
            members: opts.members,
          });
          process.stdout.write(
            `${JSON.stringify({ id, ...toJson(result, Boolean(opts.members)) })}\n`,
          );
        } else {
          await batchConversation(services, opts, id, turns);
        }
      } catch (err) {
        const internal = !(err instanceof InputError || err instanceof SyntaxError);
        if (internal) failed++;
        process.stdout.write(
          `${JSON.stringify({ id, status: internal ? "error" : "rejected", message: (err as Error).message })}\n`,
        );
      }
    }
    return failed ? EXIT.error : EXIT.ok;
  });
}

async function loadCommand(
  opts: SourceOption & { force?: boolean; quiet?: boolean },
): Promise<number> {
  const progress = createProgress(Boolean(opts.quiet));
  const services = await startServices(envWith(opts), {
    onStatus: progress.status,
    onLoadProgress: progress.load,
    forceReload: opts.force,
  });
  try {
    const { rows } = await services.db.pool.query<{
      tenant_id: string;
      row_counts: Record<string, number>;
      loaded_at: Date;
    }>(
      "select tenant_id, row_counts, loaded_at from app.warehouse_loads where tenant_id = any($1) order by tenant_id",
      [[...services.tenants.keys()]],
    );
    for (const r of rows) {
      process.stdout.write(
        `${r.tenant_id} loaded at ${r.loaded_at.toISOString()}: ${JSON.stringify(r.row_counts)}\n`,
      );
    }
    return 0;
  } finally {
    await services.close();
  }
}

export function buildProgram(): Command {
  const program = new Command("segment")
    .description(
      "Turn a plain-English customer segment request into a validated, executable segment.",
    )
    .showHelpAfterError()
    .exitOverride();
  program
    .command("create")
    .description(
      "create a segment from a request; with --thread, follow up on a conversation (an edit of its segment, a new request) or answer its question",
    )
    .argument("[request]", "the segment (or the follow-up) in plain English, in quotes")
    .option(
      "--tenant <id>",
      "tenant: online-retail or demo-retail (default: online-retail when its data is present)",
    )
    .option("--as-of <date>", "as-of date for relative windows (YYYY-MM-DD)", isoDate)
    .option("--json", "print one JSON object instead of the readable report")
    .option("--members", "include the sorted member customer IDs")
    .option("--thread <id>", "conversation to follow up on, or to answer (with --answer)")
    .option(
      "--answer <text>",
      "answer to the pending clarifying question: option number, option label or text",
    )
    .option(
      "--batch <file>",
      'JSONL file of {"id","query"} or {"id","turns":["request","edit",{"answer":1}]} lines; one JSON result per line (per turn, with "turn")',
    )
    .option("--quiet", "no progress on stderr")
    .option("--source <dir>", "online-retail source files (default: ONLINE_RETAIL_DIR)")
    .action(async (request: string | undefined, opts: CreateOptions) => {
      process.exitCode = await createCommand(request, opts);
    });
  registerReplay(program);
  registerImprove(program);
  registerSegmentCommands(program);
  program
    .command("load")
    .description(
      "load (or verify) every tenant's warehouse: online-retail from ONLINE_RETAIL_DIR, demo-retail generated",
    )
    .option("--force", "reload even when the source files did not change")
    .option("--quiet", "no progress on stderr")
    .option("--source <dir>", "online-retail source files (default: ONLINE_RETAIL_DIR)")
    .action(async (opts: SourceOption & { force?: boolean; quiet?: boolean }) => {
      process.exitCode = await loadCommand(opts);
    });
  addServerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; a bad flag or argument is rejected input.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.rejected;
      return;
    }
    const input = err instanceof InputError || err instanceof DataNotFoundError;
    const json = argv.includes("--json");
    const message = (err as Error).message;
    if (json)
      process.stdout.write(
        `${JSON.stringify({ status: input ? "rejected" : "error", message })}\n`,
      );
    process.stderr.write(`${input ? "error" : "internal error"}: ${message}\n`);
    process.exitCode = input ? EXIT.rejected : EXIT.error;
  }
}
