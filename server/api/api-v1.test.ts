/**
 * The REST API over real HTTP (server/testing/api-http.ts runs the route handlers' `handleApiV1`)
 * with a real hub and a BattlEye emulator, on SQLite and PostgreSQL: tokens made by the account
 * page's function, allow and refuse, narrowing by token, server limit and per-server role, expired,
 * revoked and cookie-only requests, audit-first actions carrying the token's name, the budget.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Permission } from "../../lib/permissions.ts";
import type { CreateApiTokenInput } from "../../lib/schemas/api-tokens.ts";
import { createApiToken, revokeApiToken } from "../auth/api-token.ts";
import { HttpBudget } from "../auth/http-budget.ts";
import { LoginLimiter } from "../auth/login-limiter.ts";
import { TwoFactorLimiter } from "../auth/two-factor-limiter.ts";
import type { Env } from "../env.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import { getRuntime, setRuntime, type HubControl } from "../runtime.ts";
import { actorFor } from "../testing/actors.ts";
import { startApiHttpServer, type ApiHttpServer } from "../testing/api-http.ts";
import { refuseAuditWrites } from "../testing/audit-store.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, createUnreadableServer, startHub } from "../testing/hub.ts";
import {
  createTestUser,
  sessionCookie,
  silentLogger,
  TEST_AUTH_SECRET,
  type TestUser,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 7);

/** What the tests read of the answers (each answer has some of these). */
interface ApiJson {
  error: { code: string; message: string };
  servers: { id: string; name: string; status: { serverId: string; state: string } }[];
  command: { text: string };
  ban: { id: string; state: string };
  bans: { id: string }[];
  events: { actorId: string | null; serverId: string | null }[];
  openapi: string;
}
const DAY = 24 * 60 * 60 * 1000;
const TOKEN_BUDGET = 40;

function control(hub: ConnectionHub): HubControl {
  return {
    reloadServer: (id) => hub.reloadServer(id),
    removeServer: (id) => hub.removeServer(id),
    recheckBans: (ids) => hub.recheckBans(ids),
    refreshRecords: (ids) => hub.refreshRecords(ids),
    recordOf: (serverId, gameId) => hub.recordOf(serverId, gameId),
    players: (serverId) => hub.players(serverId),
    playerRef: (_serverId, gameId) => gameId,
    statusOf: (serverId) => hub.statusOf(serverId),
    dialectOf: (serverId) => hub.dialectOf(serverId),
    exec: (serverId, actor, command) => hub.exec(serverId, actor, command),
    kick: (serverId, actor, playerId, reason) => hub.kick(serverId, actor, playerId, reason),
    message: (serverId, actor, playerId, text) => hub.message(serverId, actor, playerId, text),
  };
}

describe.each(DATABASE_KINDS)("REST API /api/v1 on $kind", ({ create }) => {
  let t: TestDatabase;
  let emulator: RunningBattlEyeEmulator;
  let hub: ConnectionHub;
  let api: ApiHttpServer;
  let arma: string;
  let other: string;
  let owner: TestUser;
  let tokens = 0;

  const tokenFor = async (user: TestUser, input: Partial<CreateApiTokenInput> = {}, now = new Date()) => {
    const actor = await actorFor(t.db, user.id);
    const { token, dto } = await createApiToken(
      { db: t.db, actor, ip: "127.0.0.1" },
      {
        name: `script ${++tokens}`,
        permissions: input.permissions ?? (await import("../auth/api-token.ts")).grantablePermissions(actor),
        servers: input.servers ?? "all",
        serverIds: input.serverIds ?? [],
        expiresInDays: input.expiresInDays ?? 30,
      },
      now,
    );
    return { token, id: dto.id, name: dto.name };
  };
  const call = async (
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${api.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as ApiJson };
  };
  const said = () => emulator.messageLog.map((m) => m.text);

  beforeAll(async () => {
    t = await create();
    emulator = await startEmulator("battleye", { password: "pw", players: 6, activity: 0, seed: 11 });
    arma = await createLoopbackServer(t.db, KEY, {
      name: "Arma",
      game: "arma3",
      protocol: "battleye",
      port: emulator.port,
    });
    other = await createUnreadableServer(t.db, "Other");
    owner = await createTestUser(t.db, "owner", "OWNER");
    hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20, maxLines: 50 } });
    setRuntime({
      env: { allowedOrigins: [] } as unknown as Env,
      db: t.db,
      secrets: { authSecret: TEST_AUTH_SECRET, encryptionKey: KEY },
      loginLimiter: new LoginLimiter(),
      twoFactorLimiter: new TwoFactorLimiter(),
      httpBudget: new HttpBudget({
        userPointsPerMinute: 600,
        anonymousPointsPerMinute: 1000,
        apiTokenPointsPerMinute: TOKEN_BUDGET,
      }),
      logger: silentLogger,
      endUserSessions() {},
      hub: control(hub),
    });
    api = await startApiHttpServer();
    await vi.waitFor(() => expect(hub.players(arma)).toHaveLength(6), { timeout: 10_000 });
  });

  afterAll(async () => {
    await api.close();
    setRuntime(undefined);
    await hub.stop();
    await emulator.close();
    await t.drop();
  });

  it("a token lists the servers with their live status; the call is audited with the token's name", async () => {
    const { token, name } = await tokenFor(owner);
    const res = await call(token, "GET", "/servers");
    expect(res.status).toBe(200);
    expect(res.json.servers.map((s) => s.name).sort()).toEqual(["Arma", "Other"]);
    expect(res.json.servers.find((s) => s.id === arma)?.status).toMatchObject({
      serverId: arma,
      state: "online",
    });
    const rows = await t.db.auditEvent.findMany({ where: { action: "api.listServers" } });
    expect(rows.map((r) => [r.actorId, r.tokenName, r.outcome])).toEqual([[owner.id, name, "success"]]);
  });

  it("refuses a request without a token even with a live session cookie (no browser session opens the API)", async () => {
    const cookie = await sessionCookie(t.db, owner);
    const res = await call(null, "GET", "/servers", undefined, { cookie });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    // Another scheme carrying a session is no token either.
    expect(
      (await call(null, "GET", "/servers", undefined, { cookie, authorization: "Basic b3duZXI6eA==" }))
        .status,
    ).toBe(401);
  });

  it("expired, revoked, unknown tokens and a disabled user's tokens are 401 UNAUTHENTICATED", async () => {
    const expired = await tokenFor(owner, { expiresInDays: 7 }, new Date(Date.now() - 8 * DAY));
    expect((await call(expired.token, "GET", "/servers")).json.error.code).toBe("UNAUTHENTICATED");

    const revoked = await tokenFor(owner);
    expect((await call(revoked.token, "GET", "/servers")).status).toBe(200);
    await revokeApiToken({ db: t.db, actor: await actorFor(t.db, owner.id), ip: null }, revoked.id);
    const after = await call(revoked.token, "GET", "/servers");
    expect([after.status, after.json.error.code]).toEqual([401, "UNAUTHENTICATED"]);
    expect(await t.db.auditEvent.count({ where: { action: "token.revoke", targetId: revoked.id } })).toBe(1);

    expect((await call(`rcd_${"A".repeat(43)}`, "GET", "/servers")).status).toBe(401);

    const admin = await createTestUser(t.db, "gone", "ADMIN");
    const { token } = await tokenFor(admin);
    expect((await call(token, "GET", "/servers")).status).toBe(200);
    await t.db.user.update({ where: { id: admin.id }, data: { disabled: true } });
    expect((await call(token, "GET", "/servers")).status).toBe(401);
  });

  it("a token scoped to server.view cannot kick: 403 FORBIDDEN, audited as denied, the player stays", async () => {
    const { token, name } = await tokenFor(owner, { permissions: ["server.view"] });
    const [player] = hub.players(arma);
    if (!player) throw new Error("no player");
    const res = await call(token, "POST", `/servers/${arma}/players/${player.id}/kick`, {
      reason: "scripted",
    });
    expect([res.status, res.json.error.code]).toEqual([403, "FORBIDDEN"]);
    expect(emulator.players.has(Number(player.id))).toBe(true);
    expect(
      await t.db.auditEvent.findFirst({ where: { action: "player.kick", tokenName: name } }),
    ).toMatchObject({ outcome: "denied" });
    // Nor read players: players.view was not given to the token, though its Owner holds it.
    expect((await call(token, "GET", `/servers/${arma}/players`)).status).toBe(403);
  });

  it("a kick reaches the emulator, its audit row carries the token's name; with the audit log refusing writes nothing is sent", async () => {
    const { token, name } = await tokenFor(owner, {
      permissions: ["server.view", "players.view", "players.kick"],
    });
    const [first, second] = hub.players(arma);
    if (!first || !second) throw new Error("no players");

    await refuseAuditWrites(t, true);
    const refused = await call(token, "POST", `/servers/${arma}/players/${first.id}/kick`, {
      reason: "never",
    });
    await refuseAuditWrites(t, false);
    expect([refused.status, refused.json.error.code]).toEqual([503, "UNAVAILABLE"]);
    expect(emulator.players.has(Number(first.id))).toBe(true);

    const res = await call(token, "POST", `/servers/${arma}/players/${second.id}/kick`, {
      reason: "api kick",
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(emulator.players.has(Number(second.id))).toBe(false));
    const rows = await t.db.auditEvent.findMany({ where: { action: "player.kick", tokenName: name } });
    expect(rows.map((r) => [r.targetId, r.outcome, r.actorId])).toEqual([[second.id, "success", owner.id]]);
  });

  it("one server with its status, its players, and a message to one of them", async () => {
    const { token, name } = await tokenFor(owner, {
      permissions: ["server.view", "players.view", "players.message"],
    });
    const one = await call(token, "GET", `/servers/${arma}`);
    expect(one.status).toBe(200);
    expect(
      (one.json as unknown as { server: { id: string; status: { state: string } } }).server,
    ).toMatchObject({
      id: arma,
      status: { state: "online" },
    });
    const players = (await call(token, "GET", `/servers/${arma}/players`)).json as unknown as {
      players: { id: string; address: string | null }[];
    };
    const target = players.players[0];
    if (!target) throw new Error("no players");
    // No players.identities on the token: no addresses, though its Owner may see them.
    expect(players.players.every((p) => p.address === null)).toBe(true);
    const sent = await call(token, "POST", `/servers/${arma}/players/${target.id}/message`, {
      message: "api-whisper",
    });
    expect(sent.status).toBe(200);
    expect(said().some((text) => text.includes("api-whisper"))).toBe(true);
    expect(
      await t.db.auditEvent.findFirst({ where: { action: "player.message", tokenName: name } }),
    ).toMatchObject({
      outcome: "success",
    });
  });

  it("console commands run with console.execute; invalid input never reaches the game server", async () => {
    const { token, name } = await tokenFor(owner, { permissions: ["server.view", "console.execute"] });
    const ok = await call(token, "POST", `/servers/${arma}/console`, { command: "say -1 from-the-api" });
    expect(ok.status).toBe(200);
    expect(ok.json.command.text).toContain("from-the-api");
    expect(said().some((text) => text.includes("from-the-api"))).toBe(true);
    expect(
      await t.db.auditEvent.findFirst({ where: { action: "console.command", tokenName: name } }),
    ).toMatchObject({ outcome: "success" });

    for (const body of [
      { command: "say -1 bad-confirm", confirm: "yes" },
      { command: "say -1 two\nlines" },
      { command: "say -1 extra", extra: 1 },
    ]) {
      const res = await call(token, "POST", `/servers/${arma}/console`, body);
      expect([res.status, res.json.error.code]).toEqual([400, "INVALID_INPUT"]);
    }
    const text = await fetch(`${api.url}/api/v1/servers/${arma}/console`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" },
      body: "say -1 plain",
    });
    expect(text.status).toBe(400);
    expect(said().filter((s) => /bad-confirm|two|extra|plain/.test(s))).toEqual([]);

    const viewer = await createTestUser(t.db, "viewer", "VIEWER");
    // A Viewer cannot even put console.execute on a token.
    await expect(tokenFor(viewer, { permissions: ["server.view", "console.execute"] })).rejects.toMatchObject(
      { code: "FORBIDDEN" },
    );
  });

  it("a dangerous console command needs confirm: true (428 and nothing sent without it)", async () => {
    const { token } = await tokenFor(owner, { permissions: ["server.view", "console.execute"] });
    // The policy reads every ;-chained part: the second one is BattlEye's #shutdown.
    const command = "say -1 probe-danger; #shutdown";
    const refused = await call(token, "POST", `/servers/${arma}/console`, { command });
    expect([refused.status, refused.json.error.code]).toEqual([428, "CONFIRMATION_REQUIRED"]);
    expect(refused.json.error.message).toContain("stops the game server process");
    expect(said().some((text) => text.includes("probe-danger"))).toBe(false);

    const confirmed = await call(token, "POST", `/servers/${arma}/console`, { command, confirm: true });
    expect(confirmed.status).toBe(200);
    expect(said().some((text) => text.includes("probe-danger"))).toBe(true);
    const record = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "console.command", input: { contains: "probe-danger" } },
    });
    expect(record.outcome).toBe("success");
    expect(record.input).toContain('"confirmed":true');
  });

  it("a limited user's token sees only its servers: others are 404, their players unreachable", async () => {
    const limited = await createTestUser(t.db, "limited", "MODERATOR", [other]);
    const { token } = await tokenFor(limited);
    const list = await call(token, "GET", "/servers");
    expect(list.json.servers.map((s) => s.id)).toEqual([other]);
    expect((await call(token, "GET", `/servers/${arma}`)).status).toBe(404);
    expect((await call(token, "GET", `/servers/${arma}/players`)).status).toBe(404);
    const [player] = hub.players(arma);
    const kick = await call(token, "POST", `/servers/${arma}/players/${player?.id}/kick`, { reason: "x" });
    expect(kick.status).toBe(404);
    expect(emulator.players.has(Number(player?.id))).toBe(true);
    // Nor can it make a token for a server it does not reach.
    await expect(tokenFor(limited, { servers: "chosen", serverIds: [arma] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("a token limited to one server narrows its Owner: the other server is 404", async () => {
    const { token } = await tokenFor(owner, { servers: "chosen", serverIds: [other] });
    expect((await call(token, "GET", "/servers")).json.servers.map((s) => s.id)).toEqual([other]);
    expect((await call(token, "GET", `/servers/${arma}`)).status).toBe(404);
  });

  it("a per-server role narrows the token: a Moderator who is a Viewer on Arma cannot kick there", async () => {
    const mod = await createTestUser(t.db, "mod", "MODERATOR", [arma, other]);
    await t.db.serverAccess.updateMany({
      where: { userId: mod.id, serverId: arma },
      data: { roleId: "VIEWER" },
    });
    const { token } = await tokenFor(mod, {
      permissions: ["server.view", "players.view", "players.kick"] as Permission[],
    });
    expect((await call(token, "GET", `/servers/${arma}/players`)).status).toBe(200);
    const [player] = hub.players(arma);
    const kick = await call(token, "POST", `/servers/${arma}/players/${player?.id}/kick`, { reason: "x" });
    expect([kick.status, kick.json.error.code]).toEqual([403, "FORBIDDEN"]);
    expect(emulator.players.has(Number(player?.id))).toBe(true);
  });

  it("bans: create, list and revoke over the API, audited with the token's name", async () => {
    const { token, name } = await tokenFor(owner, {
      permissions: ["players.view", "players.ban", "players.identities"],
    });
    const created = await call(token, "POST", "/bans", {
      identifiers: [{ kind: "ip", value: "203.0.113.9" }],
      reason: "api ban",
      duration: "7d",
      target: { scope: "all" },
    });
    expect(created.status).toBe(201);
    const banId = created.json.ban.id;
    const list = await call(token, "GET", "/bans?state=active&limit=10");
    expect(list.json.bans.map((b) => b.id)).toContain(banId);
    expect((await call(token, "GET", "/bans?limit=5000")).status).toBe(400);
    const revoked = await call(token, "DELETE", `/bans/${banId}`, { reason: "appeal" });
    expect([revoked.status, revoked.json.ban.state]).toEqual([200, "revoked"]);
    const actions = await t.db.auditEvent.findMany({
      where: { tokenName: name },
      orderBy: { createdAt: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual(["ban.create", "api.listBans", "ban.revoke"]);
  });

  it("the audit log follows the reader's scope: a limited Admin's token sees its server's events and its own", async () => {
    const admin = await createTestUser(t.db, "ladmin", "ADMIN", [other]);
    const { token } = await tokenFor(admin, { permissions: ["audit.read", "server.view"] });
    await call(token, "GET", "/servers");
    const page = await call(token, "GET", "/audit?size=200");
    expect(page.status).toBe(200);
    const events = page.json.events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.actorId === admin.id || e.serverId === other)).toBe(true);
    const viewerToken = await tokenFor(owner, { permissions: ["server.view"] });
    expect((await call(viewerToken.token, "GET", "/audit")).status).toBe(403);
  });

  it("each token has a budget: past it, 429 RATE_LIMITED with Retry-After", async () => {
    const { token } = await tokenFor(owner, { permissions: ["server.view"] });
    const statuses: number[] = [];
    for (let i = 0; i < TOKEN_BUDGET; i++) statuses.push((await call(token, "GET", "/servers")).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const refused = await call(token, "GET", "/servers");
    expect([refused.status, refused.json.error.code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another token of the same user has its own budget.
    expect((await call((await tokenFor(owner)).token, "GET", "/servers")).status).toBe(200);
  });

  it("a token is stored only as its hash and never enters the audit log; no CORS; oversized bodies refused", async () => {
    const { token, id } = await tokenFor(owner, { permissions: ["server.view", "console.execute"] });
    const row = await t.db.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "token.create", targetId: id } });
    expect(JSON.stringify(audit)).not.toContain(token.slice(4));

    const res = await call(token, "GET", "/servers", undefined, { origin: "https://evil.example" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();

    const huge = await call(token, "POST", `/servers/${arma}/console`, {
      command: "say -1 huge",
      pad: "x".repeat(70_000),
    });
    expect([huge.status, huge.json.error.code]).toEqual([400, "INVALID_INPUT"]);
    expect(said().some((text) => text.includes("huge"))).toBe(false);
  });

  it("guessing tokens costs the caller's address: past its budget, 429 before any lookup", async () => {
    const runtime = getRuntime();
    setRuntime({
      ...runtime,
      httpBudget: new HttpBudget({
        userPointsPerMinute: 600,
        anonymousPointsPerMinute: 3,
        apiTokenPointsPerMinute: TOKEN_BUDGET,
      }),
    });
    try {
      const guess = () => call(`rcd_${randomBytes(32).toString("base64url")}`, "GET", "/servers");
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await guess()).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await call(null, "GET", "/servers")).status).toBe(429);
    } finally {
      setRuntime(runtime);
    }
  });

  it("unknown routes and methods are 404; the OpenAPI document needs no token", async () => {
    const { token } = await tokenFor(owner);
    expect((await call(token, "GET", "/nothing")).status).toBe(404);
    expect((await call(token, "PUT", "/servers")).status).toBe(404);
    const doc = await call(null, "GET", "/openapi.json");
    expect([doc.status, doc.json.openapi]).toEqual([200, "3.1.0"]);
  });
});
