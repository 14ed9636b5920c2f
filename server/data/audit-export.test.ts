/**
 * Audit export on SQLite and PostgreSQL: every page of the filtered log in CSV (formula cells
 * neutralised) and JSON (input decoded), the reader's scope (a limited Admin gets its servers and
 * its own actions), refusals (no audit.read, bad filters, a second export at once), and the export's
 * own audit record with the row count.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../lib/bans/import/csv.ts";
import type { Actor } from "../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { recordAudit } from "./audit.ts";
import { AUDIT_CSV_COLUMNS, exportAudit } from "./audit-export.ts";
import { ExportBudget } from "./ban-export.ts";
import type { DataContext } from "./context.ts";

const text = (body: ReadableStream<Uint8Array>) => new Response(body).text();

describe.each(DATABASE_KINDS)("audit export on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor, limited: Actor, viewer: Actor;
  let s1: string, s2: string;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const budget = () => new ExportBudget(100);

  beforeAll(async () => {
    t = await create();
    const user = async (email: string, role: string) => {
      const u = await t.db.user.create({
        data: { email, name: email.split("@")[0]!, passwordHash: "x", role },
      });
      return { id: u.id, email, name: u.name, role, serverIds: null } as Actor;
    };
    owner = await user("owner@example.com", "OWNER");
    const server = (name: string) =>
      t.db.server.create({
        data: {
          name,
          protocol: "source",
          game: "tf2",
          host: "127.0.0.1",
          port: 27015,
          passwordEncrypted: "x",
        },
      });
    s1 = (await server("One")).id;
    s2 = (await server("Two")).id;
    limited = { ...(await user("limited@example.com", "ADMIN")), serverIds: [s1] };
    viewer = await user("viewer@example.com", "VIEWER");
    // 1,200 kicks over two servers (more than two pages), one with a formula-looking detail.
    for (let i = 0; i < 1200; i += 100) {
      await t.db.auditEvent.createMany({
        data: Array.from({ length: 100 }, (_, j) => ({
          actorId: owner.id,
          actorEmail: owner.email,
          action: "player.kick",
          serverId: (i + j) % 2 === 0 ? s1 : s2,
          targetId: `p${i + j}`,
          input: JSON.stringify({ reason: `r${i + j}` }),
          outcome: "success",
          detail: i + j === 7 ? '=HYPERLINK("http://evil")' : `kicked ${i + j}`,
          createdAt: new Date(Date.UTC(2026, 10, 1) + (i + j) * 1000),
        })),
      });
    }
    await recordAudit(t.db, { actor: limited, action: "auth.login", outcome: "success" });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("exports every matching event as CSV, newest first, with formula cells neutralised", async () => {
    const out = await exportAudit(ctx(owner), { format: "csv", action: "player.kick" }, new Date(), budget());
    expect(out.contentType).toBe("text/csv; charset=utf-8");
    const parsed = parseCsv(await text(out.body));
    if (!parsed.ok) throw new Error(parsed.reason);
    const [head, ...records] = parsed.records.map((r) => r.cells);
    expect(head).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(records).toHaveLength(1200);
    const col = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => AUDIT_CSV_COLUMNS.indexOf(name);
    expect(records.map((r) => r[col("targetId")])).toEqual(
      Array.from({ length: 1200 }, (_, i) => `p${1199 - i}`),
    );
    // parseCsv drops the one leading apostrophe the export adds: the raw text carries it.
    expect(records.find((r) => r[col("targetId")] === "p7")?.[col("detail")]).toBe(
      '=HYPERLINK("http://evil")',
    );
    const exportRow = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "audit.export", actorId: owner.id },
    });
    expect(exportRow).toMatchObject({ outcome: "success", detail: "1200 events exported" });
  });

  it("writes the apostrophe in the file itself", async () => {
    const out = await exportAudit(ctx(owner), { format: "csv", action: "player.kick" }, new Date(), budget());
    expect(await text(out.body)).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it("exports JSON with the input decoded", async () => {
    const out = await exportAudit(
      ctx(owner),
      { format: "json", action: "player.kick", serverId: s2 },
      new Date(),
      budget(),
    );
    const doc = JSON.parse(await text(out.body)) as {
      events: { targetId: string; serverId: string; input: unknown }[];
    };
    expect(doc.events).toHaveLength(600);
    expect(doc.events.every((e) => e.serverId === s2)).toBe(true);
    expect(doc.events[0]).toMatchObject({ targetId: "p1199", input: { reason: "r1199" } });
  });

  it("gives a limited Admin only its servers' events and its own actions", async () => {
    const out = await exportAudit(ctx(limited), { format: "json" }, new Date(), budget());
    const doc = JSON.parse(await text(out.body)) as {
      events: { action: string; serverId: string | null; actorEmail: string }[];
    };
    expect(doc.events.filter((e) => e.action === "player.kick")).toHaveLength(600);
    expect(doc.events.every((e) => e.serverId === s1 || e.actorEmail === limited.email)).toBe(true);
    expect(doc.events.some((e) => e.action === "auth.login")).toBe(true);
  });

  it("refuses a reader without audit.read (audited), bad filters, and a second export at once", async () => {
    await expect(exportAudit(ctx(viewer), { format: "csv" }, new Date(), budget())).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(
      await t.db.auditEvent.count({
        where: { actorId: viewer.id, action: "audit.export", outcome: "denied" },
      }),
    ).toBe(1);
    await expect(
      exportAudit(ctx(owner), { format: "xml" as "csv" }, new Date(), budget()),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      exportAudit(ctx(owner), { format: "csv", from: "yesterday" }, new Date(), budget()),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const shared = budget();
    const first = await exportAudit(ctx(owner), { format: "csv" }, new Date(), shared);
    await expect(exportAudit(ctx(owner), { format: "csv" }, new Date(), shared)).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    await text(first.body);
    await expect(
      exportAudit(ctx(owner), { format: "csv", action: "auth.login" }, new Date(), shared),
    ).resolves.toBeTruthy();
  });
});
