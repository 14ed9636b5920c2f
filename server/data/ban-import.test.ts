/**
 * Ban import and export on SQLite and PostgreSQL: the preview writes nothing; the commit merges
 * duplicates (in the file and against active bans covering the scope) and is all or nothing (a
 * trigger fails an insert past the first chunks: nothing stays); imports large enough to cross the
 * insert chunks; permission refusals (Moderator, Viewer, a server-limited Admin outside its
 * servers); the export streams every matching ban in RconDeck's format that the import reads back
 * without loss, refuses non-Admins and is budgeted per user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBanFile } from "../../lib/bans/import/parse.ts";
import type { Actor } from "../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createActor } from "../testing/actors.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import { ExportBudget, exportBans } from "./ban-export.ts";
import { commitBanImport, previewBanImport } from "./ban-import.ts";
import { createBan, listBans, revokeBan } from "./bans.ts";
import type { DataContext } from "./context.ts";

const T0 = new Date("2026-06-01T12:00:00Z");
const STEAM_BASE = 76561197960265728n;
const srcdsLines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `banid 0 [U:1:${from + i}]`).join("\n") + "\n";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe.each(DATABASE_KINDS)("ban import and export on $kind", ({ create, kind }) => {
  let t: TestDatabase;
  let n = 0;
  let s1: string, s2: string;
  let admin: Actor, limitedAdmin: Actor, mod: Actor, viewer: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const user = (role: Actor["role"], serverIds: string[] | null) => createActor(t.db, role, serverIds);
  const server = () => createUnreadableServer(t.db, `S${n++}`, 1, { game: "csgo", protocol: "source" });
  const bans = () => t.db.ban.count();

  beforeAll(async () => {
    t = await create();
    [s1, s2] = [await server(), await server()];
    admin = await user("ADMIN", null);
    limitedAdmin = await user("ADMIN", [s1]);
    mod = await user("MODERATOR", null);
    viewer = await user("VIEWER", null);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("previews counts and invalid lines without writing, then commits and merges duplicates", async () => {
    await createBan(
      ctx(admin),
      {
        identifiers: [{ kind: "steam", value: "[U:1:3]" }],
        reason: "old",
        duration: "permanent",
        target: { scope: "all" },
      },
      T0,
    );
    const text = [
      "banid 0 [U:1:1]", // new
      "banid 0 STEAM_0:1:0", // [U:1:1] again: merged in the file
      "banid 0 [U:1:3]", // actively banned everywhere: skipped
      "banid 0 nonsense", // invalid, line 4
      "banid 30 [U:1:2]", // new, timed
      "say hello", // invalid, line 6
    ].join("\n");
    const before = await bans();
    const input = { text, format: "auto" as const, target: { scope: "servers" as const, serverIds: [s1] } };
    const preview = await previewBanImport(ctx(admin), input, T0);
    expect(preview).toMatchObject({
      format: "srcds",
      entries: 4,
      newBans: 2,
      duplicatesInFile: 1,
      alreadyBanned: 1,
      invalidCount: 2,
    });
    expect(preview.invalid.map((i) => i.line)).toEqual([4, 6]);
    expect(await bans()).toBe(before);

    const result = await commitBanImport(ctx(admin), input, T0);
    expect(result.created).toBe(2);
    expect(await bans()).toBe(before + 2);
    const page = await listBans(ctx(admin), { serverId: s1, search: (STEAM_BASE + 2n).toString() }, T0);
    expect(page.bans).toHaveLength(1);
    expect(page.bans[0]).toMatchObject({
      scope: "servers",
      serverIds: [s1],
      expiresAt: "2026-06-01T12:30:00.000Z",
      authorId: admin.id,
    });
    const audit = await t.db.auditEvent.findFirst({ where: { action: "ban.import", outcome: "success" } });
    expect(JSON.parse(audit!.input!)).toMatchObject({
      newBans: 2,
      duplicatesInFile: 1,
      alreadyBanned: 1,
      invalidCount: 2,
    });

    // The same file again: everything is already banned on that server.
    const again = await commitBanImport(ctx(admin), input, T0);
    expect(again).toMatchObject({ created: 0, alreadyBanned: 3 });
    expect(await bans()).toBe(before + 2);
  });

  it("writes all or nothing: a failure in a late chunk leaves no ban behind", async () => {
    const failing = (STEAM_BASE + 102_400n).toString();
    if (kind === "sqlite")
      await t.db.$executeRawUnsafe(
        `CREATE TRIGGER boom BEFORE INSERT ON "BanIdentifier" WHEN NEW."value" = '${failing}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      );
    else {
      await t.db.$executeRawUnsafe(
        `CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW."value" = '${failing}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await t.db.$executeRawUnsafe(
        `CREATE TRIGGER boom BEFORE INSERT ON "BanIdentifier" FOR EACH ROW EXECUTE FUNCTION boom()`,
      );
    }
    try {
      const before = await bans();
      // 2,401 bans: the Ban chunks (1,000) are written before the identifier that fails.
      const text = srcdsLines(100_000, 2_401);
      await expect(commitBanImport(ctx(admin), { text, target: { scope: "all" } }, T0)).rejects.toMatchObject(
        {
          code: "INTERNAL",
        },
      );
      expect(await bans()).toBe(before);
      expect(await t.db.banIdentifier.count({ where: { value: (STEAM_BASE + 100_000n).toString() } })).toBe(
        0,
      );
      const audit = await t.db.auditEvent.findFirst({ where: { action: "ban.import", outcome: "failure" } });
      // PostgreSQL passes the trigger's message on; Prisma's SQLite adapter names only the constraint.
      expect(audit?.detail).toMatch(kind === "postgresql" ? /injected failure/ : /constraint/i);
    } finally {
      await t.db.$executeRawUnsafe(`DROP TRIGGER boom${kind === "postgresql" ? ` ON "BanIdentifier"` : ""}`);
      if (kind === "postgresql") await t.db.$executeRawUnsafe(`DROP FUNCTION boom()`);
    }
  });

  it("imports more rows than one insert can bind, on a chosen server", async () => {
    const before = await bans();
    const result = await commitBanImport(
      ctx(admin),
      { text: srcdsLines(200_000, 12_000), target: { scope: "servers", serverIds: [s2] } },
      T0,
    );
    expect(result.created).toBe(12_000);
    expect(await bans()).toBe(before + 12_000);
    expect(await t.db.banServer.count({ where: { serverId: s2 } })).toBe(12_000);
  });

  it("refuses Moderators, Viewers and a limited Admin outside its servers, and audits it", async () => {
    const input = (target: { scope: "all" } | { scope: "servers"; serverIds: string[] }) => ({
      text: "banid 0 [U:1:9]",
      target,
    });
    const before = await bans();
    for (const actor of [mod, viewer])
      await expect(previewBanImport(ctx(actor), input({ scope: "all" }), T0)).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    await expect(
      commitBanImport(ctx(mod), input({ scope: "servers", serverIds: [s1] }), T0),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(commitBanImport(ctx(limitedAdmin), input({ scope: "all" }), T0)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      commitBanImport(ctx(limitedAdmin), input({ scope: "servers", serverIds: [s1, s2] }), T0),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await bans()).toBe(before);
    expect(
      await t.db.auditEvent.count({ where: { action: "ban.import", outcome: "denied" } }),
    ).toBeGreaterThan(0);
    // On its own server it may.
    await expect(
      commitBanImport(ctx(limitedAdmin), input({ scope: "servers", serverIds: [s1] }), T0),
    ).resolves.toMatchObject({
      created: 1,
    });
  });

  it("exports every matching ban as CSV and JSON that import back without loss", async () => {
    const made = await createBan(
      ctx(admin),
      {
        identifiers: [
          { kind: "ip", value: "203.0.113.9" },
          { kind: "battleye", value: "b57c222222a76f458893641000000005" },
        ],
        playerNames: ['=HYPERLINK("x")', 'Name, "quoted"'],
        reason: "+exploit, again",
        note: 'staff note, "quoted"',
        duration: "3d",
        target: { scope: "all" },
      },
      T0,
    );
    await revokeBan(ctx(admin), { id: made.id, reason: "appeal" }, T0);
    const filters = { search: "+exploit" };
    for (const format of ["csv", "json"] as const) {
      const out = await exportBans(ctx(admin), { ...filters, format }, T0, new ExportBudget());
      const text = await readAll(out.body);
      if (format === "csv") expect(text).toContain(`"'+exploit, again"`);
      const parsed = parseBanFile(text, format === "csv" ? "rcondeck-csv" : "rcondeck-json", { now: T0 });
      expect(parsed.invalid).toEqual([]);
      expect(parsed.bans).toHaveLength(1);
      const dto = (await listBans(ctx(admin), filters, T0)).bans[0]!;
      expect(parsed.bans[0]).toMatchObject({
        identifiers: dto.identifiers,
        playerNames: dto.playerNames,
        reason: dto.reason,
        note: dto.note,
        createdAt: new Date(dto.createdAt),
        expiresAt: new Date(dto.expiresAt!),
        revokedAt: new Date(dto.revokedAt!),
        revokedByEmail: admin.email,
        revokeReason: "appeal",
      });
    }
    // The whole table, past one page (200 rows), with an audit row carrying the count.
    const all = await exportBans(ctx(admin), { format: "csv" }, T0, new ExportBudget());
    const lines = parseBanFile(await readAll(all.body), "rcondeck-csv", { now: T0 });
    expect(lines.bans.length).toBe(await bans());
    // Every export here is stamped T0, so the rows tie on createdAt: look for the count itself.
    const audits = await t.db.auditEvent.findMany({ where: { action: "ban.export", outcome: "success" } });
    expect(audits.map((a) => a.detail)).toContain(`${await bans()} bans exported`);
    // A server-limited Admin exports only the bans that reach its servers (not the 12,000 on s2).
    const limited = await exportBans(ctx(limitedAdmin), { format: "json" }, T0, new ExportBudget());
    const visible = await t.db.ban.count({
      where: { OR: [{ scope: "all" }, { servers: { some: { serverId: s1 } } }] },
    });
    expect(parseBanFile(await readAll(limited.body), "rcondeck-json", { now: T0 }).bans.length).toBe(visible);
    expect(visible).toBeLessThan((await bans()) - 12_000 + 1);
  });

  it("refuses exports to Moderators and Viewers, and budgets each user", async () => {
    for (const actor of [mod, viewer])
      await expect(exportBans(ctx(actor), { format: "csv" }, T0, new ExportBudget())).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    let clock = 0;
    const budget = new ExportBudget(2, () => clock);
    const first = await exportBans(ctx(admin), { format: "json", state: "revoked" }, T0, budget);
    await expect(exportBans(ctx(admin), { format: "json" }, T0, budget)).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    await readAll(first.body);
    await readAll((await exportBans(ctx(admin), { format: "json", state: "revoked" }, T0, budget)).body);
    await expect(exportBans(ctx(admin), { format: "json" }, T0, budget)).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    clock += 3_600_001;
    await readAll((await exportBans(ctx(admin), { format: "json", state: "revoked" }, T0, budget)).body);
  });
});
