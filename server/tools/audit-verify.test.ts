/**
 * `npm run audit:verify` as an operator runs it: a process on the server's database, printing the
 * head hash and exiting 0 when intact, naming the first broken link and exiting 1 when not.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../data/audit.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";

const TSX = path.resolve("node_modules/.bin/tsx");

function verify(url: string) {
  const run = spawnSync(TSX, ["server/tools/audit-verify.ts"], {
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

describe("npm run audit:verify", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("prints the head when intact and the first broken link (exit 1) when an event was edited", async () => {
    for (let i = 0; i < 3; i++)
      await recordAudit(t.db, {
        actor: null,
        action: "auth.login_failed",
        actorEmail: `x${i}@example.com`,
        outcome: "failure",
      });
    const intact = verify(t.url);
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^audit chain intact: 4 seals over 3 events; head [0-9a-f]{64}$/);

    const second = await t.db.auditSeal.findUniqueOrThrow({ where: { seq: 2 } });
    await t.db.auditEvent.update({
      where: { id: second.eventId! },
      data: { actorEmail: "nobody@example.com" },
    });
    const broken = verify(t.url);
    expect(broken.code).toBe(1);
    expect(broken.out).toBe(
      `audit chain BROKEN at seal 2, event ${second.eventId}: the event or its seal was changed (2 seals checked before it)`,
    );
  });
});
