/**
 * Server limits as stored choices, the confinement of a server-limited Admin, RCON endpoints only
 * for managers, and the paginated, scoped audit log: on SQLite and PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, RoleName } from "../../lib/permissions.ts";
import { auditQuerySchema } from "../../lib/schemas/audit.ts";
import { createServerSchema, updateServerSchema } from "../../lib/schemas/server.ts";
import { actorFor as actorOf, completeOwnerSetup, TEST_PASSWORD as PASSWORD } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { listAuditEvents, listAuditPage, recordAudit } from "./audit.ts";
import type { DataContext } from "./context.ts";
import { createServer, deleteServer, getServer, listServers, updateServer } from "./servers.ts";
import {
  acceptInvite,
  createInvite,
  describeInvite,
  issueSetupToken,
  listTeam,
  setUserDisabled,
  updateMember,
} from "./users.ts";

const KEY = randomBytes(32);

describe.each(DATABASE_KINDS)("access on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  let n = 0;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const actorFor = (id: string) => actorOf(t.db, id);
  const email = (prefix: string) => `${prefix}-${n++}@example.com`;
  /** null = every server (the explicit choice); a list = exactly those servers. */
  const inviteToken = async (by: Actor, address: string, role: RoleName, servers: string[] | null) =>
    (
      await createInvite(ctx(by), {
        email: address,
        role,
        allServers: servers === null,
        serverIds: servers ?? [],
      })
    ).token;
  const accept = async (token: string, address: string) => {
    await acceptInvite(
      t.db,
      { token, name: address.split("@")[0] ?? "x", password: PASSWORD, confirmPassword: PASSWORD },
      "127.0.0.1",
    );
    return actorFor((await t.db.user.findUniqueOrThrow({ where: { email: address } })).id);
  };
  const member = async (by: Actor, role: RoleName, servers: string[] | null) => {
    const address = email(role.toLowerCase());
    return accept(await inviteToken(by, address, role, servers), address);
  };
  const server = async (name = `S${n++}`) =>
    (
      await createServer(
        ctx(owner),
        KEY,
        createServerSchema.parse({
          name,
          game: "openarena",
          host: "10.1.2.3",
          port: 27960,
          encoding: "",
          enabled: true,
          password: "pw",
        }),
      )
    ).id;

  beforeAll(async () => {
    t = await create();
    owner = await completeOwnerSetup(t.db, await issueSetupToken(t.db));
  });
  afterAll(async () => t.drop());

  describe("server limits are stored, never inferred from an empty set", () => {
    it("deleting the only server a user is limited to leaves them with no server, not every server", async () => {
      const [s1, s2] = [await server(), await server()];
      const viewer = await member(owner, "VIEWER", [s1]);
      const everywhere = await member(owner, "MODERATOR", null);
      await deleteServer(ctx(owner), s1);
      const after = await actorFor(viewer.id);
      expect(after.serverIds).toEqual([]);
      expect(await listServers(ctx(after))).toEqual([]);
      await expect(getServer(ctx(after), s2)).rejects.toMatchObject({ code: "FORBIDDEN" });
      // A user given every server explicitly still has every server, including later ones.
      const s3 = await server();
      expect((await listServers(ctx(await actorFor(everywhere.id)))).map((s) => s.id)).toEqual(
        expect.arrayContaining([s2, s3]),
      );
      const row = await t.db.user.findUniqueOrThrow({ where: { id: viewer.id } });
      expect(row.allServers).toBe(false);
    });

    it("an invite whose servers are all gone can no longer be accepted; one with some left grants only those", async () => {
      const [s1, s2, s3] = [await server(), await server(), await server()];
      const goneAddress = email("gone");
      const gone = await inviteToken(owner, goneAddress, "VIEWER", [s1]);
      const someAddress = email("some");
      const some = await inviteToken(owner, someAddress, "VIEWER", [s2, s3]);
      await deleteServer(ctx(owner), s1);
      await deleteServer(ctx(owner), s2);
      expect(await describeInvite(t.db, gone)).toBeNull();
      await expect(accept(gone, goneAddress)).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await t.db.user.findUnique({ where: { email: goneAddress } })).toBeNull();
      expect(await describeInvite(t.db, some)).toMatchObject({ email: someAddress });
      const partly = await accept(some, someAddress);
      expect(partly.serverIds).toEqual([s3]);
    });

    it("stores 'every server' on the invite and the user, and an update switches between the two", async () => {
      const s1 = await server();
      const address = email("all");
      const token = await inviteToken(owner, address, "VIEWER", null);
      expect((await t.db.oneTimeToken.findFirstOrThrow({ where: { email: address } })).allServers).toBe(true);
      const viewer = await accept(token, address);
      expect(viewer.serverIds).toBeNull();
      await updateMember(ctx(owner), {
        userId: viewer.id,
        role: "VIEWER",
        allServers: false,
        serverIds: [s1],
      });
      expect((await actorFor(viewer.id)).serverIds).toEqual([s1]);
      await updateMember(ctx(owner), { userId: viewer.id, role: "VIEWER", allServers: true, serverIds: [] });
      expect((await actorFor(viewer.id)).serverIds).toBeNull();
      const team = await listTeam(ctx(owner));
      expect(team.find((m) => m.id === viewer.id)).toMatchObject({ allServers: true, serverIds: [] });
    });
  });

  describe("a server-limited Admin is confined to its servers", () => {
    let mine: string;
    let also: string;
    let other: string;
    let admin: Actor;

    beforeAll(async () => {
      [mine, also, other] = [await server("Mine"), await server("Also mine"), await server("Not mine")];
      admin = await member(owner, "ADMIN", [mine, also]);
    });

    it("may not add servers, and renames or deletes only its own", async () => {
      const input = createServerSchema.parse({
        name: "New",
        game: "cs2",
        host: "h",
        port: 1,
        encoding: "",
        enabled: true,
        password: "p",
      });
      await expect(createServer(ctx(admin), KEY, input)).rejects.toMatchObject({ code: "FORBIDDEN" });
      const rename = (id: string) =>
        updateServerSchema.parse({
          id,
          name: "Renamed",
          game: "openarena",
          host: "10.1.2.3",
          port: "27960",
          encoding: "",
          enabled: true,
          password: "",
        });
      await expect(updateServer(ctx(admin), KEY, rename(other))).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(deleteServer(ctx(admin), other)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await t.db.server.findUniqueOrThrow({ where: { id: other } })).name).toBe("Not mine");
      expect((await updateServer(ctx(admin), KEY, rename(also))).name).toBe("Renamed");
      const denied = await t.db.auditEvent.findMany({ where: { actorId: admin.id, outcome: "denied" } });
      expect(denied.map((e) => e.action)).toEqual(
        expect.arrayContaining(["server.create", "server.update", "server.delete"]),
      );
    });

    it("invites only within its servers, never every server", async () => {
      await expect(
        createInvite(ctx(admin), {
          email: email("wide"),
          role: "MODERATOR",
          allServers: true,
          serverIds: [],
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        createInvite(ctx(admin), {
          email: email("out"),
          role: "VIEWER",
          allServers: false,
          serverIds: [mine, other],
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      const mod = await member(admin, "MODERATOR", [mine]);
      expect(mod.serverIds).toEqual([mine]);
    });

    it("changes and disables only members confined to its servers, and cannot widen them", async () => {
      const inside = await member(owner, "VIEWER", [mine]);
      const straddling = await member(owner, "VIEWER", [mine, other]);
      const everywhere = await member(owner, "VIEWER", null);
      await expect(
        updateMember(ctx(admin), { userId: inside.id, role: "VIEWER", allServers: true, serverIds: [] }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        updateMember(ctx(admin), {
          userId: inside.id,
          role: "VIEWER",
          allServers: false,
          serverIds: [other],
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await updateMember(ctx(admin), {
        userId: inside.id,
        role: "MODERATOR",
        allServers: false,
        serverIds: [mine, also],
      });
      const changed = await actorFor(inside.id);
      expect(changed.role).toBe("MODERATOR");
      expect([...(changed.serverIds ?? [])].sort()).toEqual([mine, also].sort());
      for (const target of [straddling, everywhere]) {
        await expect(
          updateMember(ctx(admin), {
            userId: target.id,
            role: "VIEWER",
            allServers: false,
            serverIds: [mine],
          }),
        ).rejects.toMatchObject({ code: "FORBIDDEN" });
        await expect(setUserDisabled(ctx(admin), target.id, true)).rejects.toMatchObject({
          code: "FORBIDDEN",
        });
      }
      expect((await t.db.user.findUniqueOrThrow({ where: { id: everywhere.id } })).allServers).toBe(true);
      await setUserDisabled(ctx(admin), inside.id, true);
    });

    it("sees itself and the members it may manage in the team list, nobody else", async () => {
      const visible = await member(owner, "VIEWER", [also]);
      const hidden = await member(owner, "VIEWER", [other]);
      const team = await listTeam(ctx(admin));
      const ids = team.map((m) => m.id);
      expect(ids).toContain(admin.id);
      expect(ids).toContain(visible.id);
      expect(ids).not.toContain(hidden.id);
      expect(ids).not.toContain(owner.id);
      for (const m of team)
        if (m.id !== admin.id) expect(m).toMatchObject({ manageable: true, allServers: false });
      for (const m of team) for (const id of m.serverIds) expect([mine, also]).toContain(id);
      // An Owner still sees everyone.
      expect((await listTeam(ctx(owner))).map((m) => m.id)).toEqual(
        expect.arrayContaining([hidden.id, owner.id, admin.id]),
      );
    });

    it("reads only audit events of its servers and its own actions", async () => {
      await recordAudit(t.db, { actor: owner, action: "test.scope", serverId: mine, outcome: "success" });
      await recordAudit(t.db, { actor: owner, action: "test.scope", serverId: other, outcome: "success" });
      await recordAudit(t.db, { actor: owner, action: "test.scope", outcome: "success" });
      await recordAudit(t.db, { actor: admin, action: "test.scope", outcome: "success" });
      const seen = await listAuditEvents(t.db, admin, { action: "test.scope" });
      expect(seen.map((e) => [e.actorId, e.serverId])).toEqual(
        expect.arrayContaining([
          [owner.id, mine],
          [admin.id, null],
        ]),
      );
      expect(seen).toHaveLength(2);
      const all = await listAuditEvents(t.db, admin, {});
      for (const e of all)
        expect(e.actorId === admin.id || e.serverId === mine || e.serverId === also).toBe(true);
      expect(await listAuditEvents(t.db, owner, { action: "test.scope" })).toHaveLength(4);
      // Asking for another server's events yields none, not an error that confirms anything.
      expect(await listAuditEvents(t.db, admin, { serverId: other, actorId: owner.id })).toEqual([]);
    });
  });

  it("a server-limited Moderator sees only its servers and none of the Admin actions", async () => {
    const [mine, other] = [await server(), await server()];
    const mod = await member(owner, "MODERATOR", [mine]);
    expect((await listServers(ctx(mod))).map((s) => s.id)).toEqual([mine]);
    await expect(getServer(ctx(mod), other)).rejects.toMatchObject({ code: "FORBIDDEN" });
    const rename = updateServerSchema.parse({
      id: mine,
      name: "X",
      game: "openarena",
      host: "10.1.2.3",
      port: "27960",
      encoding: "",
      enabled: true,
      password: "",
    });
    await expect(updateServer(ctx(mod), KEY, rename)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteServer(ctx(mod), mine)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listTeam(ctx(mod))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      createInvite(ctx(mod), { email: email("m"), role: "VIEWER", allServers: false, serverIds: [mine] }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listAuditPage(t.db, mod, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("gives a server's RCON host and port only to those who may manage it", async () => {
    const [s1, s2] = [await server(), await server()];
    const viewer = await member(owner, "VIEWER", null);
    const moderator = await member(owner, "MODERATOR", [s1]);
    const admin = await member(owner, "ADMIN", null);
    const limitedAdmin = await member(owner, "ADMIN", [s1]);
    for (const who of [viewer, moderator]) {
      for (const dto of await listServers(ctx(who))) {
        expect(dto).not.toHaveProperty("host");
        expect(dto).not.toHaveProperty("port");
      }
      const one = await getServer(ctx(who), s1);
      expect(JSON.stringify(one)).not.toMatch(/10\.1\.2\.3|27960/);
    }
    for (const who of [admin, owner])
      expect((await listServers(ctx(who))).find((s) => s.id === s2)).toMatchObject({
        host: "10.1.2.3",
        port: 27960,
      });
    expect(await getServer(ctx(limitedAdmin), s1)).toMatchObject({ host: "10.1.2.3", port: 27960 });
  });

  describe("audit log pages", () => {
    let s1: string;
    let actor: Actor;
    const total = 23;

    beforeAll(async () => {
      s1 = await server();
      actor = await member(owner, "ADMIN", null);
      for (let i = 0; i < total; i++) {
        // Same millisecond for several rows: the id breaks ties, so no row is skipped or repeated.
        const createdAt = new Date(Date.UTC(2030, 0, 1, 0, 0, Math.floor(i / 3)));
        await t.db.auditEvent.create({
          data: {
            actorId: i % 2 ? actor.id : owner.id,
            actorEmail: "x",
            action: i % 5 === 0 ? "page.denied" : "page.done",
            serverId: i % 3 === 0 ? s1 : null,
            outcome: i % 5 === 0 ? "denied" : "success",
            createdAt,
            repeats: i === 4 ? 12 : 1,
          },
        });
      }
    });

    it("walks every event once, older and back newer, with a stable order", async () => {
      const seen: string[] = [];
      let page = await listAuditPage(t.db, owner, { action: "page.", limit: 5 });
      expect(page.hasNewer).toBe(false);
      const pages = [page];
      for (;;) {
        seen.push(...page.events.map((e) => e.id));
        if (!page.hasOlder) break;
        const last = page.events.at(-1);
        if (!last) throw new Error("empty page with older events");
        page = await listAuditPage(t.db, owner, {
          action: "page.",
          limit: 5,
          after: { createdAt: new Date(last.createdAt), id: last.id },
        });
        expect(page.hasNewer).toBe(true);
        pages.push(page);
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      const times = pages.flatMap((p) => p.events.map((e) => e.createdAt));
      expect([...times].sort().reverse()).toEqual(times);
      // Back one page from the third: exactly the second.
      const first = pages[2]?.events[0];
      if (!first) throw new Error("no third page");
      const back = await listAuditPage(t.db, owner, {
        action: "page.",
        limit: 5,
        before: { createdAt: new Date(first.createdAt), id: first.id },
      });
      expect(back.events.map((e) => e.id)).toEqual(pages[1]?.events.map((e) => e.id));
      expect(back).toMatchObject({ hasNewer: true, hasOlder: true });
      // Aggregated repeats travel with the event (the page shows "×12").
      expect(
        pages
          .flatMap((p) => p.events)
          .filter((e) => e.repeats > 1)
          .map((e) => e.repeats),
      ).toEqual([12]);
    });

    it("filters by actor, server, action, outcome and time", async () => {
      const ids = async (filter: Parameters<typeof listAuditPage>[2]) =>
        (await listAuditPage(t.db, owner, { limit: 100, ...filter })).events;
      expect(await ids({ action: "page.", actorEmail: actor.email })).toHaveLength(11);
      expect(await ids({ action: "page.", actorEmail: "nobody@example.com" })).toHaveLength(0);
      expect(await ids({ action: "page.", serverId: s1 })).toHaveLength(8);
      expect(await ids({ action: "page.denied" })).toHaveLength(5);
      expect(await ids({ action: "page" })).toHaveLength(total); // a group name
      expect(await ids({ action: "page.den" })).toHaveLength(0); // a full action name is exact
      expect(await ids({ action: "page.", outcome: "denied" })).toHaveLength(5);
      const window = await ids({
        action: "page.",
        from: new Date(Date.UTC(2030, 0, 1, 0, 0, 2)),
        to: new Date(Date.UTC(2030, 0, 1, 0, 0, 3)),
      });
      expect(window).toHaveLength(6);
    });
  });
});

describe("audit page URL parameters", () => {
  it("reads the page's URL parameters strictly", () => {
    const ok = auditQuerySchema.parse({
      action: "",
      outcome: "denied",
      from: "2030-01-01T00:00",
      after: "1893456000000_abc",
      size: "50",
    });
    expect(ok).toMatchObject({
      action: undefined,
      outcome: "denied",
      from: new Date("2030-01-01T00:00:00Z"),
      after: { createdAt: new Date(1893456000000), id: "abc" },
      size: 50,
    });
    expect(auditQuerySchema.safeParse({ outcome: "maybe" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ size: "100000" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ after: "not-a-cursor" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ from: "2030-01-02", to: "2030-01-01" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ after: "1_a", before: "1_b" }).success).toBe(false);
  });
});
