/**
 * Child process for the embedded-database tests: opens the embedded database of the data dir
 * and port given as arguments, reports readiness as a JSON line on stdout, then obeys one
 * command on stdin:
 *   close  close the database and exit 0
 *   exit   process.exit(0) without closing (exercises the exit hook)
 *   drain  close, set exitCode 3 and let the event loop run dry: the process must end on its
 *          own, with its exit code intact
 * The tests also SIGKILL it to leave an orphaned postmaster behind.
 */
import { openDatabase } from "../database.ts";

const [dataDir, port] = process.argv.slice(2);
if (!dataDir || !port) throw new Error("usage: hold-embedded.ts <dataDir> <port>");

const db = await openDatabase({ dataDir, port: Number(port) });
const { rows } = await db.pool.query<{ ok: number }>("select 1 as ok");
process.stdout.write(`${JSON.stringify({ ready: rows[0]?.ok === 1, pid: process.pid })}\n`);

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  const command = chunk.trim();
  if (command === "exit") process.exit(0);
  process.stdin.destroy();
  void db.close().then(() => {
    if (command === "drain") process.exitCode = 3;
    else process.exit(0);
  });
});
// The test runner went away without a command: do not keep the server up for nobody.
process.stdin.on("end", () => void db.close().then(() => process.exit(0)));
