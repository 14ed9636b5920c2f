import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor, RoleName } from "../../lib/permissions.ts";
import { createServerSchema, updateServerSchema } from "../../lib/schemas/server.ts";
import { LoginLimiter } from "../auth/login-limiter.ts";
import { TwoFactorLimiter } from "../auth/two-factor-limiter.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { decryptSecret } from "../security/crypto.ts";
import { actorFor as actorOf, completeOwnerSetup, TEST_PASSWORD as PASSWORD } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { listAuditEvents } from "./audit.ts";
import type { DataContext } from "./context.ts";
import {
  createServer,
  deleteServer,
  getServerConnectionSettings,
  listServers,
  updateServer,
} from "./servers.ts";
import {
  acceptInvite,
  authenticate,
  bootstrapOwnerFromEnv,
  changeOwnPassword,
  completeSetup,
  createInvite,
  issueSetupToken,
  listTeam,
  loadActor,
  setUserDisabled,
  updateMember,
} from "./users.ts";

const KEY = randomBytes(32);

describe.each(DATABASE_KINDS)("data layer on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const actorFor = (id: string) => actorOf(t.db, id);
  /** No serverIds: every server (an explicit choice). */
  const invite = async (by: Actor, email: string, role: RoleName, serverIds?: string[]) => {
    const { token } = await createInvite(ctx(by), {
      email,
      role,
      allServers: serverIds === undefined,
      serverIds: serverIds ?? [],
    });
    await acceptInvite(
      t.db,
      { token, name: email.split("@")[0] ?? "x", password: PASSWORD, confirmPassword: PASSWORD },
      "127.0.0.1",
    );
    const user = await t.db.user.findUniqueOrThrow({ where: { email } });
    return actorFor(user.id);
  };

  beforeAll(async () => {
    t = await create();
    const token = await issueSetupToken(t.db);
    expect(token).toBeTruthy();
    owner = await completeOwnerSetup(t.db, token);
  });
  afterAll(async () => t.drop());

  it("migrating again is a no-op", async () => {
    expect(await migrateDatabase(t.url)).toEqual([]);
  });

  it("first-run setup is single use, and later setup/env bootstrap is ignored once a user exists", async () => {
    expect(owner.role).toBe("OWNER");
    expect(await issueSetupToken(t.db)).toBeNull();
    await expect(
      completeSetup(
        t.db,
        {
          token: "x".repeat(43),
          email: "evil@example.com",
          name: "E",
          password: PASSWORD,
          confirmPassword: PASSWORD,
        },
        null,
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await bootstrapOwnerFromEnv(t.db, "env@example.com", PASSWORD)).toBe(false);
    const hash = (await t.db.user.findUniqueOrThrow({ where: { id: owner.id } })).passwordHash;
    expect(hash.startsWith("$argon2id$")).toBe(true);
  });

  it("stores RCON passwords encrypted, keeps them on a blank edit, and never returns them", async () => {
    const input = createServerSchema.parse({
      name: "Main",
      game: "cs2",
      host: "127.0.0.1",
      port: "27015",
      encoding: "",
      enabled: true,
      password: "s3cret-rcon",
    });
    const server = await createServer(ctx(owner), KEY, input);
    expect(JSON.stringify(server)).not.toContain("s3cret-rcon");
    expect(Object.keys(server)).not.toContain("passwordEncrypted");
    const row = await t.db.server.findUniqueOrThrow({ where: { id: server.id } });
    expect(row.passwordEncrypted).not.toContain("s3cret-rcon");
    expect(decryptSecret(row.passwordEncrypted, KEY)).toBe("s3cret-rcon");

    await updateServer(
      ctx(owner),
      KEY,
      updateServerSchema.parse({
        id: server.id,
        name: "Main 2",
        game: "cs2",
        host: "127.0.0.1",
        port: "27015",
        encoding: "latin1",
        enabled: true,
        password: "",
      }),
    );
    expect((await getServerConnectionSettings(t.db, KEY, server.id))?.password).toBe("s3cret-rcon");
    await updateServer(
      ctx(owner),
      KEY,
      updateServerSchema.parse({
        id: server.id,
        name: "Main 2",
        game: "cs2",
        host: "127.0.0.1",
        port: "27016",
        encoding: "",
        enabled: true,
        password: "n3w",
      }),
    );
    expect((await getServerConnectionSettings(t.db, KEY, server.id))?.password).toBe("n3w");

    const audit = await listAuditEvents(t.db, owner, { action: "server." });
    expect(audit.length).toBeGreaterThanOrEqual(3);
    for (const e of audit) expect(e.input ?? "").not.toMatch(/s3cret-rcon|n3w/);
  });

  it("enforces roles and server limits in the data layer, and audits refusals", async () => {
    const a = await create_servers(2);
    const viewer = await invite(owner, "viewer@example.com", "VIEWER", [a[0] ?? ""]);
    expect(viewer.serverIds).toEqual([a[0]]);
    expect((await listServers(ctx(viewer))).map((s) => s.id)).toEqual([a[0]]);
    await expect(
      createServer(
        ctx(viewer),
        KEY,
        createServerSchema.parse({
          name: "X",
          game: "arma3",
          host: "h",
          port: 1,
          encoding: "",
          enabled: true,
          password: "p",
        }),
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteServer(ctx(viewer), a[0] ?? "")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listTeam(ctx(viewer))).rejects.toMatchObject({ code: "FORBIDDEN" });
    const denied = await listAuditEvents(t.db, owner, { outcome: "denied" });
    expect(denied.some((e) => e.action === "server.create" && e.actorId === viewer.id)).toBe(true);
  });

  async function create_servers(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = await createServer(
        ctx(owner),
        KEY,
        createServerSchema.parse({
          name: `S${i}`,
          game: "openarena",
          host: "127.0.0.1",
          port: 27960 + i,
          encoding: "",
          enabled: true,
          password: "pw",
        }),
      );
      ids.push(s.id);
    }
    return ids;
  }

  // These users never enrol: the second-factor dependencies are there but unused.
  const noSecondFactor = () => ({ limiter: new TwoFactorLimiter(), key: randomBytes(32) });

  it("lets only Owners create or change Admins, and applies role, limit and disable changes at once", async () => {
    const admin = await invite(owner, "admin@example.com", "ADMIN");
    await expect(
      createInvite(ctx(admin), { email: "x@example.com", role: "ADMIN", allServers: true, serverIds: [] }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const mod = await invite(admin, "mod@example.com", "MODERATOR");
    await expect(
      updateMember(ctx(admin), { userId: owner.id, role: "VIEWER", allServers: true, serverIds: [] }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      updateMember(ctx(admin), { userId: mod.id, role: "ADMIN", allServers: true, serverIds: [] }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    const before = await t.db.user.findUniqueOrThrow({ where: { id: mod.id } });
    await updateMember(ctx(admin), { userId: mod.id, role: "VIEWER", allServers: true, serverIds: [] });
    // The old session version no longer yields an actor: the next request is refused.
    expect(await loadActor(t.db, mod.id, before.sessionVersion)).toBeNull();
    const after = await actorFor(mod.id);
    expect(after.role).toBe("VIEWER");

    await setUserDisabled(ctx(admin), mod.id, true);
    const disabled = await t.db.user.findUniqueOrThrow({ where: { id: mod.id } });
    expect(await loadActor(t.db, mod.id, disabled.sessionVersion)).toBeNull();
    await expect(
      authenticate(
        t.db,
        new LoginLimiter(),
        { email: "mod@example.com", password: PASSWORD, ip: "1.2.3.4" },
        noSecondFactor(),
      ),
    ).rejects.toMatchObject({ message: "This account is disabled." });
    await expect(setUserDisabled(ctx(admin), admin.id, true)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("invite links are single use and refuse existing emails", async () => {
    const { token } = await createInvite(ctx(owner), {
      email: "once@example.com",
      role: "VIEWER",
      allServers: true,
      serverIds: [],
    });
    await acceptInvite(t.db, { token, name: "Once", password: PASSWORD, confirmPassword: PASSWORD }, null);
    await expect(
      acceptInvite(t.db, { token, name: "Twice", password: PASSWORD, confirmPassword: PASSWORD }, null),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      createInvite(ctx(owner), {
        email: "once@example.com",
        role: "VIEWER",
        allServers: true,
        serverIds: [],
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("changing one's password checks the old one and ends existing sessions", async () => {
    const viewer = await invite(owner, "pw@example.com", "VIEWER");
    const before = await t.db.user.findUniqueOrThrow({ where: { id: viewer.id } });
    await expect(
      changeOwnPassword(ctx(viewer), {
        currentPassword: "nope",
        password: "another long pw",
        confirmPassword: "another long pw",
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await changeOwnPassword(ctx(viewer), {
      currentPassword: PASSWORD,
      password: "another long pw",
      confirmPassword: "another long pw",
    });
    expect(await loadActor(t.db, viewer.id, before.sessionVersion)).toBeNull();
    await expect(
      authenticate(
        t.db,
        new LoginLimiter(),
        { email: "pw@example.com", password: "another long pw", ip: "1.1.1.1" },
        noSecondFactor(),
      ),
    ).resolves.toMatchObject({ id: viewer.id });
  });
});
