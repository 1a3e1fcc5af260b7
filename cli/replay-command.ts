/** `segment replay`: saved segments re-run through the current graph; drift listed. */
import type { Command } from "commander";
import { replaySegments, type ReplayResult } from "../evals/replay.ts";
import { startServices } from "../runtime/services.ts";
import type { RunVersions } from "../state/context.ts";
import { parseEnv } from "../state/config.ts";
import { createProgress } from "./progress.ts";

const fmt = (v: RunVersions | null | undefined) =>
  v ? `glossary v${v.glossary ?? "?"}, skills v${v.skills ?? "?"}` : "before the registry";

/** Which versions made the saved segment and which the replay ran with, when they differ. */
function versionsText(r: ReplayResult): string {
  if (!r.versions) return "";
  const { saved, now } = r.versions;
  if (saved && saved.glossary === now.glossary && saved.skills === now.skills) return "";
  return `; made with ${fmt(saved)}, replayed with ${fmt(now)}`;
}

function line(r: ReplayResult): string {
  const size =
    r.sizeBefore === r.sizeAfter
      ? `size ${r.sizeAfter}`
      : `size ${r.sizeBefore} → ${r.sizeAfter ?? "–"}`;
  const what =
    r.verdict === "same"
      ? "unchanged"
      : r.definitionChanged
        ? "definition changed"
        : "size changed";
  return `${r.verdict.toUpperCase().padEnd(7)} ${r.id} ${r.name ?? ""} (${r.tenant}): ${what}, ${size}${r.detail ? `; ${r.detail}` : ""}${versionsText(r)}\n    "${r.request}"`;
}

export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description("replay every saved segment's request through the current graph and list drift")
    .option("--tenant <id>", "only this tenant's segments")
    .option("--json", "one JSON object per segment")
    .option("--fail-on-drift", "exit 1 when a segment changed or failed")
    .option("--quiet", "no progress on stderr")
    .action(
      async (opts: { tenant?: string; json?: boolean; failOnDrift?: boolean; quiet?: boolean }) => {
        const progress = createProgress(Boolean(opts.quiet || opts.json));
        const services = await startServices(parseEnv(), {
          onStatus: progress.status,
          onLoadProgress: progress.load,
        });
        try {
          const results = await replaySegments(services, {
            tenant: opts.tenant,
            onResult: (r) =>
              process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${line(r)}\n`),
          });
          const drifted = results.filter((r) => r.verdict !== "same").length;
          if (!opts.json)
            process.stdout.write(`\n${results.length} segments replayed, ${drifted} drifted\n`);
          process.exitCode = opts.failOnDrift && drifted ? 1 : 0;
        } finally {
          await services.close();
        }
      },
    );
}
