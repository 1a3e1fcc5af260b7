/**
 * `segment improve --tenant T`: the learning loop from the command line. Lists the tenant's
 * candidates (new corrections become candidates first) with their eval deltas, evaluating
 * each one not yet evaluated against the current glossary; `--promote ID` promotes one (it is
 * evaluated again, and refused unless it passes); `--rollback VERSION` makes an earlier
 * glossary version active again; `--versions` lists the glossary's versions.
 */
import { InvalidArgumentError, type Command } from "commander";
import { describeProposal } from "../learning/candidates.ts";
import type { Evaluation } from "../learning/evaluate.ts";
import {
  evaluate,
  glossaryVersions,
  ImproveError,
  promote,
  refreshCandidates,
  rollback,
} from "../learning/improve.ts";
import { InputError } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import type { CandidateRecord } from "../storage/candidates.ts";
import { UnknownVersionError } from "../storage/registry.ts";
import { envWith, withServices, type SourceOption } from "./common.ts";

interface ImproveOptions extends SourceOption {
  tenant: string;
  json?: boolean;
  quiet?: boolean;
  promote?: string;
  rollback?: number;
  versions?: boolean;
  sets?: string;
  allCases?: boolean;
  reevaluate?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a version number");
  return n;
}

/** The eval delta in one cell: targets gained, cases re-run, regressions. */
function deltaText(e: Evaluation | null): string {
  if (!e) return "not evaluated";
  const gained = e.targets.filter((t) => !t.before.pass && t.after.pass).length;
  const rerun = e.sets.reduce((n, s) => n + s.rerun, 0);
  const regressions = e.sets.reduce((n, s) => n + s.regressions.length, 0);
  const gains = e.sets.reduce((n, s) => n + s.gains.length, 0);
  return `targets +${gained}/${e.targets.length}, eval ${rerun} re-run +${gains} −${regressions}, replay −${e.replay.regressions.length}`;
}

function table(rows: CandidateRecord[]): string {
  if (rows.length === 0) return "No candidates: no corrections to learn from yet.\n";
  return rows
    .map((c) => {
      const e = c.evaluation as Evaluation | null;
      const verdict = e
        ? `${e.verdict}${e.reasons.length ? ` (${e.reasons.join("; ")})` : ""}`
        : "";
      return [
        `${c.id}  ${c.status.toUpperCase()}${c.glossaryVersion ? ` in glossary v${c.glossaryVersion}` : ""}`,
        `  ${describeProposal(c.proposal)}  (${c.correctionIds.length} correction${c.correctionIds.length === 1 ? "" : "s"})`,
        `  ${deltaText(e)}${verdict ? ` → ${verdict}` : ""}`,
      ].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}

async function list(services: Services, opts: ImproveOptions, status: (m: string) => void) {
  const evalOpts = evalOptions(opts, status);
  const { candidates, skipped } = await refreshCandidates(services, opts.tenant);
  const current = services.tenants.get(opts.tenant)!.config.glossaryVersion ?? null;
  for (const c of candidates) {
    const e = c.evaluation as Evaluation | null;
    const stale = !e || e.glossaryVersion !== current;
    if (c.status === "promoted" || c.status === "rolled_back") continue;
    if (stale || opts.reevaluate) {
      status(`evaluating ${c.id}: ${describeProposal(c.proposal)}`);
      c.evaluation = await evaluate(services, opts.tenant, c, evalOpts);
      c.status = (c.evaluation as Evaluation).verdict === "promote" ? "proposed" : "rejected";
    }
  }
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ tenant: opts.tenant, glossaryVersion: current, candidates, skipped })}\n`,
    );
    return;
  }
  process.stdout.write(`Tenant ${opts.tenant}, glossary version ${current ?? "-"}\n\n`);
  process.stdout.write(table(candidates));
  for (const s of skipped)
    process.stdout.write(`skipped correction ${s.correctionId} ("${s.phrase}"): ${s.reason}\n`);
}

function evalOptions(opts: ImproveOptions, status: (m: string) => void) {
  return {
    onlineRetailDir: envWith(opts).ONLINE_RETAIL_DIR,
    sets: opts.sets
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    allCases: opts.allCases,
    onProgress: status,
  };
}

async function improveCommand(opts: ImproveOptions): Promise<number> {
  return withServices(opts, Boolean(opts.quiet || opts.json), async (services, progress) => {
    try {
      if (!services.tenants.has(opts.tenant))
        throw new InputError(`Unknown tenant "${opts.tenant}".`);
      const out = (value: unknown, text: string) =>
        process.stdout.write(opts.json ? `${JSON.stringify(value)}\n` : text);
      if (opts.promote) {
        const p = await promote(services, opts.tenant, opts.promote, {
          ...evalOptions(opts, progress.status),
          by: "cli",
        });
        out(
          p,
          `Promoted ${p.candidate}: glossary version ${p.version} (was ${p.previous ?? "-"}); ${deltaText(p.evaluation)}\n`,
        );
      } else if (opts.rollback !== undefined) {
        const r = await rollback(services, opts.tenant, opts.rollback, { by: "cli" });
        out(
          r,
          `Glossary version ${r.version} is active again (was ${r.previous ?? "-"}); rolled back: ${r.rolledBack.join(", ") || "none"}\n`,
        );
      } else if (opts.versions) {
        const versions = await glossaryVersions(services, opts.tenant);
        out(
          versions,
          versions
            .map(
              (v) =>
                `${v.active ? "*" : " "} v${v.version}  ${v.createdAt.toISOString()}  ${v.reason}${v.createdBy ? ` (${v.createdBy})` : ""}  ${(v.content as unknown[]).length} entries\n`,
            )
            .join(""),
        );
      } else {
        await list(services, opts, progress.status);
      }
      return 0;
    } catch (err) {
      if (err instanceof ImproveError) throw new InputError(err.message);
      if (err instanceof UnknownVersionError) throw new InputError(err.message);
      throw err;
    }
  });
}

export function registerImprove(program: Command): void {
  program
    .command("improve")
    .description(
      "learn from corrections: list candidates with their eval deltas, promote one, or roll back",
    )
    .requiredOption("--tenant <id>", "the tenant whose corrections to learn from")
    .option("--promote <id>", "promote this candidate (evaluated again; refused unless it passes)")
    .option("--rollback <version>", "make this glossary version active again", positiveInt)
    .option("--versions", "list the glossary's versions")
    .option("--sets <names>", "eval sets to judge by (default: every set of the tenant)")
    .option("--all-cases", "re-run every case, not only those the candidate's words reach")
    .option("--reevaluate", "evaluate every open candidate again")
    .option("--json", "one JSON object")
    .option("--quiet", "no progress on stderr")
    .option("--source <dir>", "online-retail source files (default: ONLINE_RETAIL_DIR)")
    .action(async (opts: ImproveOptions) => {
      process.exitCode = await improveCommand(opts);
    });
}
