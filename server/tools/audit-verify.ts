/**
 * `npm run audit:verify`: checks the audit log's hash chain (server/data/audit-chain.ts) on the
 * database the server would use (DATABASE_URL, or the SQLite file in DATA_DIR) and prints the
 * result: the head hash when intact (keep it somewhere else to compare later), the first broken
 * link otherwise. Exit code 0 intact, 1 broken, 2 could not check.
 */
import { verifyAuditChain, type ChainReport } from "../data/audit-chain.ts";
import { createDb } from "../db/client.ts";
import { parseEnv } from "../env.ts";

export function describeReport(report: ChainReport): string {
  if (report.ok) {
    if (report.seals === 0)
      return `audit chain not begun yet: ${report.events} events, all from before the chain`;
    return `audit chain intact: ${report.seals} seals over ${report.events} events; head ${report.head}`;
  }
  const where = [
    report.seq !== null ? `seal ${report.seq}` : null,
    report.eventId ? `event ${report.eventId}` : null,
  ]
    .filter(Boolean)
    .join(", ");
  return `audit chain BROKEN at ${where || "the start"}: ${report.reason} (${report.seals} seals checked before it)`;
}

async function main(): Promise<number> {
  const env = parseEnv(process.env);
  const db = createDb(env.databaseUrl);
  try {
    const report = await verifyAuditChain(db);
    console.log(describeReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `audit chain could not be checked: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(2);
  },
);
