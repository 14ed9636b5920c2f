/** Test helpers that make the audit store fail for real, to prove nothing acts without its audit row. */
import type { TestDatabase } from "./databases.ts";

/** Makes the database itself refuse new audit rows (a real trigger), as a read-only or failing store would. */
export async function refuseAuditWrites(t: TestDatabase, refuse: boolean): Promise<void> {
  if (t.kind === "sqlite") {
    await t.db.$executeRawUnsafe(
      refuse
        ? `CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'audit log is read-only'); END`
        : `DROP TRIGGER refuse_audit`,
    );
  } else if (refuse) {
    await t.db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log is read-only'; END $$`,
    );
    await t.db.$executeRawUnsafe(
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
    );
  } else {
    await t.db.$executeRawUnsafe(`DROP TRIGGER refuse_audit ON "AuditEvent"`);
  }
}
