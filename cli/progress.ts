/**
 * Progress on stderr: a bar for the warehouse load in a terminal, plain lines otherwise,
 * and one line per finished graph step.
 */
import cliProgress from "cli-progress";
import type { LoadProgress } from "../warehouse/load-online-retail.ts";

export function createProgress(quiet: boolean) {
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let lastPhase = "";
  const write = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  return {
    status(msg: string) {
      write(`• ${msg}`);
    },
    load(p: LoadProgress) {
      if (quiet) return;
      if (p.phase === "copy" && tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              format: "  copying  [{bar}] {percentage}% | {value}/{total} bytes",
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, 0);
        }
        bar.update(p.done);
        return;
      }
      if (bar && p.phase !== "copy") {
        bar.stop();
        bar = undefined;
      }
      if (p.phase !== lastPhase) {
        lastPhase = p.phase;
        const label: Record<LoadProgress["phase"], string> = {
          checksum: "checking source files",
          copy: "copying invoice lines into Postgres",
          derive: "deriving customers, orders and features",
          index: "building indexes",
          done: "warehouse loaded",
          skipped: "warehouse up to date (source unchanged)",
        };
        write(`  ${label[p.phase]}`);
      }
    },
    step(node: string, ms: number) {
      write(`  ✓ ${node} (${ms.toFixed(1)} ms)`);
    },
  };
}
