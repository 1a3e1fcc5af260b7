/**
 * Integration tests share one loaded warehouse: DATABASE_URL when set (CI points it at a
 * database of the machine's Postgres), else the embedded Postgres under .data/. The load
 * is idempotent, so only the first test file pays for it.
 */
import { parseEnv } from "../../state/config.ts";
import { startServices, type Services } from "../../runtime/services.ts";

export async function startTestServices(): Promise<Services> {
  return startServices(parseEnv());
}

export const ONLINE_RETAIL_DIR = parseEnv().ONLINE_RETAIL_DIR;
