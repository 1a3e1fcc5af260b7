/**
 * `segment save | edit | versions | revert | delete`: saved segments from the command line. Edits and
 * reverts run as turns of the segment's conversation thread, under the thread's lock (another
 * edit of the same segment running anywhere makes this one stop with exit code 2), exactly as
 * the API's PATCH and revert do.
 */
import type { Command } from "commander";
import { InputError, runRequest, type RunInput, type RunResult } from "../runtime/run.ts";
import { editingThread, savableLineage, SegmentNotFoundError } from "../runtime/segment-edits.ts";
import type { Services } from "../runtime/services.ts";
import {
  AlreadySavedError,
  deleteSegment,
  getSegment,
  listVersions,
  saveSegment,
} from "../storage/segments.ts";
import { ensureThread } from "../storage/threads.ts";
import {
  EXIT,
  requireId,
  toJson,
  underThreadLock,
  withServices,
  type SourceOption,
} from "./common.ts";
import { formatResult } from "./format.ts";

interface CommonOptions extends SourceOption {
  tenant?: string;
  json?: boolean;
  quiet?: boolean;
}

function tenantOf(services: Services, opts: CommonOptions): string {
  const tenant = opts.tenant ?? services.defaultTenant;
  if (!services.tenants.has(tenant)) throw new InputError(`Unknown tenant "${tenant}".`);
  return tenant;
}

/** Runs a turn on the segment's editing thread while holding its lock. */
async function onEditingThread(
  services: Services,
  tenant: string,
  segmentId: string,
  input: Omit<RunInput, "threadId">,
  onStep: (step: string, ms: number) => void,
): Promise<RunResult> {
  let found;
  try {
    found = await editingThread(services, tenant, requireId(segmentId, "segment"));
  } catch (err) {
    if (err instanceof SegmentNotFoundError) throw new InputError(err.message);
    throw err;
  }
  return underThreadLock(
    services,
    found.threadId,
    `Another edit of segment ${segmentId}`,
    async () => {
      if (found.load && input.command?.kind !== "load")
        await runRequest(services, {
          threadId: found.threadId,
          tenant,
          command: { kind: "load", segmentId },
          actor: "cli",
        });
      return runRequest(services, {
        ...input,
        threadId: found.threadId,
        tenant,
        onStep,
        actor: "cli",
      });
    },
  );
}

function print(result: RunResult, opts: CommonOptions): number {
  process.stdout.write(
    opts.json ? `${JSON.stringify(toJson(result, false))}\n` : formatResult(result, false),
  );
  return EXIT[result.status];
}

export function registerSegmentCommands(program: Command): void {
  program
    .command("save")
    .description("save a conversation's current segment under a name, with every version it has")
    .argument("<thread>", "the conversation (thread id) whose segment to save")
    .requiredOption("--name <name>", "the segment's name")
    .option("--tenant <id>", "tenant (default: online-retail when its data is present)")
    .option("--json", "print the saved segment as JSON")
    .option("--quiet", "no progress on stderr")
    .action(async (threadId: string, opts: CommonOptions & { name: string }) => {
      process.exitCode = await withServices(opts, Boolean(opts.quiet || opts.json), (services) =>
        // Under the conversation's lock: a turn that lands meanwhile cannot leave the saved
        // segment a version behind its conversation.
        underThreadLock(
          services,
          requireId(threadId, "conversation"),
          `A turn of conversation ${threadId}`,
          async () => {
            const found = await savableLineage(services, threadId);
            if (!found)
              throw new InputError(`Conversation ${threadId} has no finished segment to save.`);
            const { tenant, lineage } = found;
            // Its edits run on this conversation, owned by the tenant as an API thread is.
            await ensureThread(services.db.pool, tenant, threadId);
            try {
              const saved = await saveSegment(services.db.pool, {
                tenantId: tenant,
                threadId,
                name: opts.name.trim(),
                lineageId: lineage.id,
                versions: lineage.versions,
                savedBy: "cli",
              });
              await services.recipes.saved(saved);
              process.stdout.write(
                opts.json
                  ? `${JSON.stringify({ id: saved.id, name: saved.name, version: saved.version, size: saved.size })}\n`
                  : `Saved ${saved.id} "${saved.name}" at version ${saved.version} (${saved.size} customers)\n`,
              );
              return 0;
            } catch (err) {
              if (err instanceof AlreadySavedError) throw new InputError(err.message);
              throw err;
            }
          },
        ),
      );
    });

  program
    .command("edit")
    .description("edit a saved segment in plain English; an accepted edit is its next version")
    .argument("<segment>", "the saved segment's id")
    .argument("<text>", 'the edit, in quotes (e.g. "only the ones who spent over £500")')
    .option("--tenant <id>", "tenant (default: online-retail when its data is present)")
    .option("--json", "print one JSON object (as create --json, with diff)")
    .option("--quiet", "no progress on stderr")
    .action(async (segmentId: string, text: string, opts: CommonOptions) => {
      process.exitCode = await withServices(
        opts,
        Boolean(opts.quiet || opts.json),
        async (services, progress) =>
          print(
            await onEditingThread(
              services,
              tenantOf(services, opts),
              segmentId,
              { request: text, forceEdit: true },
              progress.step,
            ),
            opts,
          ),
      );
    });

  program
    .command("revert")
    .description("make an earlier version of a saved segment current again (as its next version)")
    .argument("<segment>", "the saved segment's id")
    .argument("<version>", "the version to go back to")
    .option("--tenant <id>", "tenant (default: online-retail when its data is present)")
    .option("--json", "print one JSON object")
    .option("--quiet", "no progress on stderr")
    .action(async (segmentId: string, version: string, opts: CommonOptions) => {
      if (!/^[1-9]\d{0,5}$/.test(version)) throw new InputError("the version is a number, e.g. 2");
      process.exitCode = await withServices(
        opts,
        Boolean(opts.quiet || opts.json),
        async (services, progress) => {
          const tenant = tenantOf(services, opts);
          const versions = await listVersions(
            services.db.pool,
            tenant,
            requireId(segmentId, "segment"),
          );
          if (versions.length === 0) throw new InputError(`No segment ${segmentId}.`);
          if (!versions.some((v) => v.version === Number(version)))
            throw new InputError(
              `Segment ${segmentId} has no version ${version}; it has versions 1 to ${versions.length}.`,
            );
          return print(
            await onEditingThread(
              services,
              tenant,
              segmentId,
              { command: { kind: "revert", version: Number(version) } },
              progress.step,
            ),
            opts,
          );
        },
      );
    });

  program
    .command("versions")
    .description("list a saved segment's versions, oldest first, with what changed in each")
    .argument("<segment>", "the saved segment's id")
    .option("--tenant <id>", "tenant (default: online-retail when its data is present)")
    .option("--json", "one JSON object per version")
    .option("--quiet", "no progress on stderr")
    .action(async (segmentId: string, opts: CommonOptions) => {
      process.exitCode = await withServices(
        opts,
        Boolean(opts.quiet || opts.json),
        async (services) => {
          const versions = await listVersions(
            services.db.pool,
            tenantOf(services, opts),
            requireId(segmentId, "segment"),
          );
          if (versions.length === 0) throw new InputError(`No segment ${segmentId}.`);
          for (const v of versions) {
            process.stdout.write(
              opts.json
                ? `${JSON.stringify({ version: v.version, kind: v.kind, text: v.text, size: v.size, diff: v.diff?.summary ?? [], at: v.at })}\n`
                : `v${v.version}  ${v.kind.padEnd(6)} ${String(v.size ?? "?").padStart(6)} customers  "${v.text}"${v.diff ? `\n      ${v.diff.summary.join("\n      ")}` : ""}\n`,
            );
          }
          return 0;
        },
      );
    });

  program
    .command("delete")
    .description("delete a saved segment with its versions; it is no longer suggested as a recipe")
    .argument("<segment>", "the saved segment's id")
    .option("--tenant <id>", "tenant (default: online-retail when its data is present)")
    .option("--quiet", "no progress on stderr")
    .action(async (segmentId: string, opts: CommonOptions) => {
      process.exitCode = await withServices(opts, Boolean(opts.quiet), async (services) => {
        const tenant = tenantOf(services, opts);
        const id = requireId(segmentId, "segment");
        const segment = await getSegment(services.db.pool, tenant, id);
        if (!segment) throw new InputError(`No segment ${segmentId}.`);
        const remove = async () => {
          if (!(await deleteSegment(services.db.pool, tenant, id, { actor: "cli" })))
            throw new InputError(`No segment ${segmentId}.`);
          await services.recipes.deleted(tenant, id);
          process.stdout.write(`Deleted ${id} "${segment.name}"\n`);
          return 0;
        };
        // Under its editing thread's lock, as the API's DELETE: a running edit would lose it.
        return segment.threadId
          ? underThreadLock(services, segment.threadId, `An edit of segment ${id}`, remove)
          : remove();
      });
    });
}
