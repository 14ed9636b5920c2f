/**
 * Which compiled better-sqlite3 addon this process loads. By default the one npm built into
 * node_modules for the Node that ran `npm ci`. RCONDECK_SQLITE_BINDING names another file: `npm test`
 * runs the suite a second time on Node 24 with the same node_modules, and a native addon only loads
 * on the Node ABI it was built for (scripts/node24.sh builds the second one).
 *
 * Read here rather than in env.ts: like NODE_OPTIONS it selects the process's native code (for the
 * tests too, which never parse the dashboard's environment); it is not dashboard configuration.
 */
import { existsSync } from "node:fs";
import path from "node:path";

type Env = Record<string, string | undefined>;

export function sqliteDriverOptions(env: Env = process.env): { nativeBinding?: string } {
  const file = env.RCONDECK_SQLITE_BINDING;
  if (!file) return {};
  const resolved = path.resolve(file);
  if (!existsSync(resolved))
    throw new Error(`RCONDECK_SQLITE_BINDING: no better-sqlite3 addon at ${resolved}`);
  return { nativeBinding: resolved };
}
