/**
 * Two instances, A and B, each with its own http server, socket.io (Redis adapter) and ClusterHub,
 * over one real PostgreSQL and one real Redis. The local hubs are fakes that "hold" one server each
 * and record what reaches them (the multi-process tests with real hubs live elsewhere); leases are
 * real rows. A browser on A: commands for B's server run on B once and are audited; a silent B gives
 * "outcome unknown" in the answer and the audit log; B's lines, statuses and players reach A's
 * browsers; "who is watching" reaches B; ending a user's sessions on A disconnects them on B.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type {
  ConsoleLineMessage,
  PlayerLiveFields,
  PlayerView,
  ServerSnapshot,
  ServerStatusMessage,
} from "../../lib/realtime/contract.ts";
import { AppError } from "../../lib/errors.ts";
import { PlayerListFollower, type PlayerListDelta } from "../../lib/realtime/player-delta.ts";
import { testPlayerView } from "../../lib/testing/player-view.ts";
import type { HubActor, HubEvent } from "../hub/hub.ts";
import type { LineRange } from "../hub/port.ts";
import { Emitter } from "../rcon/emitter.ts";
import { createPostgresTestDatabase, type TestDatabase } from "../testing/databases.ts";
import {
  createRoleUsers,
  createTestUser,
  emitResult,
  silentLogger,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";
import type { LeasedHub } from "./cluster-hub.ts";
import { createClusterRuntime, type ClusterRuntime } from "./index.ts";
import { WAITING_REASON } from "./mirror.ts";
import { systemClusterClock, type ClusterClock } from "./redis.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const TIMEOUT_MS = 1_500;
/** Console commands one user may send per window (ACTIONS_PER_10S's default). */
const ACTIONS_PER_WINDOW = 20;

/** A local hub that holds the servers it is given and records what reaches it. */
class FakeLocalHub implements LeasedHub {
  readonly events = new Emitter<HubEvent>();
  readonly execs: { serverId: string; command: string; actor: HubActor }[] = [];
  readonly broadcasts: { serverId: string; message: string; actor: HubActor }[] = [];
  readonly watching = new Map<string, number>();
  silent = false;
  private seq = 100;
  /** Statuses set by a test; the cluster hub republishes statusOf every refresh, so it must agree. */
  private readonly setStatuses = new Map<string, ServerStatusMessage>();
  constructor(readonly holding: Set<string>) {}
  held = () => [...this.holding];
  on = (listener: (event: HubEvent) => void) => this.events.on(listener);
  setStatus(status: ServerStatusMessage): void {
    this.setStatuses.set(status.serverId, status);
    this.events.emit({ type: "status", status });
  }
  statusOf = (serverId: string): ServerStatusMessage =>
    this.setStatuses.get(serverId) ?? {
      serverId,
      state: "online",
      reason: null,
      since: new Date(0).toISOString(),
      latencyMs: 5,
      nextRetryAt: null,
      playerCount: 1,
      lastEventAt: null,
    };
  statuses = (ids?: readonly string[]) => (ids ?? this.held()).map(this.statusOf);
  /** Lists set by a test: what the owner's mirror writes when only pings changed. */
  private readonly setLists = new Map<string, PlayerView[]>();
  setPlayers(serverId: string, players: PlayerView[]): void {
    this.setLists.set(serverId, players);
  }
  players = (serverId: string): PlayerView[] => this.setLists.get(serverId) ?? [];
  dialectOf = () => null;
  lines = (_serverId: string, _range: LineRange): Promise<ConsoleLineMessage[]> => Promise.resolve([]);
  watch = (serverId: string) => {
    this.watching.set(serverId, (this.watching.get(serverId) ?? 0) + 1);
    return () => this.watching.set(serverId, (this.watching.get(serverId) ?? 1) - 1);
  };
  exec = async (serverId: string, actor: HubActor, command: string) => {
    if (!this.holding.has(serverId)) throw new AppError("UNAVAILABLE", "not here");
    this.execs.push({ serverId, command, actor });
    if (this.silent) return new Promise<never>(() => undefined);
    return {
      command: this.line(serverId, "command", command),
      answer: this.line(serverId, "answer", `ran ${command}`),
    };
  };
  kick = () => Promise.resolve({ message: "kicked", playerName: "p" });
  message = () => Promise.resolve({ message: "sent", playerName: "p", whisper: true });
  broadcast = (serverId: string, actor: HubActor, message: string) => {
    if (!this.holding.has(serverId)) return Promise.reject(new AppError("UNAVAILABLE", "not here"));
    this.broadcasts.push({ serverId, message, actor });
    return Promise.resolve({ message: "sent to everyone" });
  };
  recordOf = () => Promise.resolve(null);
  refreshRecords = () => Promise.resolve();
  recheckBans = () => undefined;
  reloadServer = () => Promise.resolve();
  removeServer = () => Promise.resolve();
  line(serverId: string, kind: "command" | "answer" | "chat", text: string): ConsoleLineMessage {
    return {
      serverId,
      seq: ++this.seq,
      at: new Date().toISOString(),
      kind,
      text,
      actorName: null,
      replyTo: null,
    };
  }
}

/** The real clock, with a jump forward on demand (to age mirrored entries without waiting). */
function skewableClock(): ClusterClock & { skip(ms: number): void } {
  let skew = 0;
  return {
    ...systemClusterClock,
    now: () => systemClusterClock.now() + skew,
    skip: (ms) => void (skew += ms),
  };
}

interface Instance {
  local: FakeLocalHub;
  cluster: ClusterRuntime;
  realtime: RunningRealtime;
}

describe("two instances over Redis and PostgreSQL (fake local hubs)", () => {
  const prefix = `rcondeck-test-${randomBytes(4).toString("hex")}:`;
  let t: TestDatabase;
  let owner: TestUser;
  let serverA: string;
  let serverB: string;
  let a: Instance;
  let b: Instance;
  const clockA = skewableClock();

  async function instance(id: string, holds: string, clock: ClusterClock): Promise<Instance> {
    const local = new FakeLocalHub(new Set([holds]));
    const cluster = await createClusterRuntime({
      cluster: {
        instanceId: id,
        redisUrl: REDIS_URL,
        redisPrefix: prefix,
        leaseMs: 3_000,
        commandTimeoutMs: TIMEOUT_MS,
      },
      db: t.db,
      logger: silentLogger,
      local,
      clock,
      watch: { heartbeatMs: 200, silenceMs: 1_000 },
    });
    const realtime = await startRealtime({
      db: t.db,
      hub: cluster.hub,
      adapter: cluster.adapter,
      cluster: true,
      playerLists: cluster.hub,
      limiters: cluster.limiters,
      // A window no test outlasts, however loaded the machine: the limit test counts exactly.
      actionLimit: { points: ACTIONS_PER_WINDOW, seconds: 600 },
    });
    return { local, cluster, realtime };
  }

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
    ({ OWNER: owner } = await createRoleUsers(t.db, ["OWNER"]));
    const create = (name: string) =>
      t.db.server.create({
        data: {
          name,
          game: "arma3",
          protocol: "battleye",
          host: "127.0.0.1",
          port: 2302,
          passwordEncrypted: "x",
        },
      });
    serverA = (await create("held by A")).id;
    serverB = (await create("held by B")).id;
    for (const [serverId, ownerId] of [
      [serverA, "inst-a"],
      [serverB, "inst-b"],
    ] as const)
      await t.db
        .$executeRaw`INSERT INTO "ServerLease" ("serverId", "ownerId", "epoch", "expiresAt", "acquiredAt") VALUES (${serverId}, ${ownerId}, 1, now() + interval '1 hour', now())`;
    a = await instance("inst-a", serverA, clockA);
    b = await instance("inst-b", serverB, systemClusterClock);
  });

  afterAll(async () => {
    for (const i of [a, b]) {
      await i?.realtime.close();
      await i?.cluster.close();
    }
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await t?.drop();
  });

  it("a console command on A for B's server runs on B once, answers the browser and is audited as success", async () => {
    const browser = await a.realtime.clientAs(owner);
    const result = await emitResult<{ answer: ConsoleLineMessage }>(browser, "console:exec", {
      serverId: serverB,
      command: "#players",
    });
    expect(result).toMatchObject({ ok: true, data: { answer: { text: "ran #players", serverId: serverB } } });
    expect(b.local.execs.map((e) => e.command)).toEqual(["#players"]);
    expect(b.local.execs[0]?.actor.id).toBe(owner.id);
    expect(a.local.execs).toEqual([]);
    const row = await t.db.auditEvent.findFirst({
      where: { action: "console.command", serverId: serverB },
      orderBy: { createdAt: "desc" },
    });
    expect(row).toMatchObject({ outcome: "success", detail: "ran #players" });
    browser.disconnect();
  });

  it("a broadcast asked of A for B's server goes to B once, with the actor", async () => {
    const actor = { id: owner.id, name: "automation: rules (Owner)" };
    await expect(a.cluster.hub.broadcast(serverB, actor, "rules: be nice")).resolves.toEqual({
      message: "sent to everyone",
    });
    expect(b.local.broadcasts).toEqual([{ serverId: serverB, message: "rules: be nice", actor }]);
    expect(a.local.broadcasts).toEqual([]);
  });

  it("B silent: the browser gets TIMEOUT (outcome unknown) once, B ran it once, the audit row says unknown", async () => {
    b.local.silent = true;
    try {
      const browser = await a.realtime.clientAs(owner);
      const before = b.local.execs.length;
      const result = await emitResult(browser, "console:exec", { serverId: serverB, command: "#kick 3" });
      expect(result).toMatchObject({
        ok: false,
        error: { code: "TIMEOUT", message: expect.stringContaining("the outcome is unknown") as unknown },
      });
      const row = await t.db.auditEvent.findFirst({
        where: { action: "console.command", serverId: serverB },
        orderBy: { createdAt: "desc" },
      });
      expect(row).toMatchObject({
        outcome: "unknown",
        detail: "No answer from the instance holding the server within 2 s: outcome unknown",
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(b.local.execs.length - before).toBe(1);
      browser.disconnect();
    } finally {
      b.local.silent = false;
    }
  });

  it("a server nobody holds: UNAVAILABLE, nothing sent", async () => {
    const orphan = await t.db.server.create({
      data: {
        name: "orphan",
        game: "arma3",
        protocol: "battleye",
        host: "127.0.0.1",
        port: 2303,
        passwordEncrypted: "x",
      },
    });
    await a.cluster.hub.reloadServer(orphan.id);
    const browser = await a.realtime.clientAs(owner);
    const result = await emitResult(browser, "console:exec", { serverId: orphan.id, command: "#players" });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: "UNAVAILABLE",
        message: expect.stringContaining("No RconDeck instance holds this server") as unknown,
      },
    });
    expect(a.cluster.hub.statusOf(orphan.id)).toMatchObject({ state: "idle", reason: WAITING_REASON });
    browser.disconnect();
  });

  it("lines, statuses and players of B's server reach a browser on A; A mirrors them; watching on A makes B poll faster", async () => {
    const browser = await a.realtime.clientAs(owner);
    const snapshot = await emitResult<ServerSnapshot>(browser, "server:subscribe", { serverId: serverB });
    if (!snapshot.ok) throw new Error("subscribe refused");
    await vi.waitFor(() => expect(b.local.watching.get(serverB)).toBe(1), { timeout: 5_000 });

    const lines: ConsoleLineMessage[] = [];
    const statuses: ServerStatusMessage[] = [];
    // B mirrored its (empty) list at start: the browser's copy follows from the snapshot.
    const players = new PlayerListFollower();
    players.whole(snapshot.data.players, snapshot.data.playersRevision);
    browser.on("console:line", (l) => lines.push(l));
    browser.on("server:status", (s) => statuses.push(s));
    browser.on("players:update", (p) => players.whole(p.players, p.revision));
    browser.on("players:delta", (d) => expect(players.delta(d)).toBe(true));
    const line = b.local.line(serverB, "chat", "hello from B");
    const status: ServerStatusMessage = { ...b.local.statusOf(serverB), playerCount: 1, map: "Altis" };
    const list: PlayerView[] = [
      {
        id: "7",
        name: "Bob",
        plainName: "Bob",
        ping: 30,
        score: null,
        guid: "g".repeat(32),
        steamId: null,
        address: null,
        since: null,
        badge: null,
      } as unknown as PlayerView,
    ];
    b.local.events.emit({ type: "line", line });
    b.local.setStatus(status);
    b.local.events.emit({ type: "players", serverId: serverB, players: list });
    await vi.waitFor(() => {
      expect(lines).toEqual([line]);
      expect(statuses.at(-1)).toEqual(status);
      expect(players.players.map((p) => p.plainName)).toEqual(["Bob"]);
    });
    // A's hub answers reads of B's server from the mirror.
    await vi.waitFor(() => {
      expect(a.cluster.hub.statusOf(serverB)).toEqual(status);
      expect(a.cluster.hub.players(serverB).map((p) => p.plainName)).toEqual(["Bob"]);
    });
    // Pings alone: a browser on A gets them as players:live, and A's mirror has the current list.
    const live: PlayerLiveFields[][] = [];
    browser.on("players:live", (p) => live.push(p.players));
    b.local.setPlayers(serverB, [{ ...list[0]!, ping: 31 }]);
    b.local.events.emit({
      type: "players-live",
      serverId: serverB,
      players: [{ id: "7", ping: 31, score: null }],
    });
    await vi.waitFor(() => {
      expect(live.at(-1)).toEqual([{ id: "7", ping: 31, score: null }]);
      expect(a.cluster.hub.players(serverB).map((p) => p.ping)).toEqual([31]);
    });
    // No refresh from B for three leases: shown as waiting for an instance.
    clockA.skip(10_000);
    expect(a.cluster.hub.statusOf(serverB)).toMatchObject({ state: "idle", reason: WAITING_REASON });
    expect(a.cluster.hub.players(serverB)).toEqual([]);

    expect(await emitResult(browser, "server:unsubscribe", { serverId: serverB })).toMatchObject({
      ok: true,
    });
    await vi.waitFor(() => expect(b.local.watching.get(serverB)).toBe(0), { timeout: 5_000 });
    browser.disconnect();
  });

  it("a snapshot of B's server taken on A names B's revision of the list, and B's next change reaches A's browser as a delta from it", async () => {
    const first = [testPlayerView("7"), testPlayerView("8")];
    b.local.setPlayers(serverB, first);
    b.local.events.emit({ type: "players", serverId: serverB, players: first });
    // The mirror on A has it (once B's status is fresh there: an earlier test aged it).
    await vi.waitFor(() => expect(a.cluster.hub.players(serverB).map((p) => p.id)).toEqual(["7", "8"]), {
      timeout: 10_000,
    });

    const browser = await a.realtime.clientAs(owner);
    const updates: unknown[] = [];
    const deltas: PlayerListDelta[] = [];
    browser.on("players:update", (p) => updates.push(p));
    browser.on("players:delta", (d) => deltas.push(d));
    const snapshot = await emitResult<ServerSnapshot>(browser, "server:subscribe", { serverId: serverB });
    if (!snapshot.ok) throw new Error("subscribe refused");
    expect(snapshot.data.playersRevision?.stream).toBe(b.cluster.hub.streams.stream);
    const follower = new PlayerListFollower();
    follower.whole(snapshot.data.players, snapshot.data.playersRevision);

    const second = [testPlayerView("8"), testPlayerView("9")];
    b.local.setPlayers(serverB, second);
    b.local.events.emit({ type: "players", serverId: serverB, players: second });
    await vi.waitFor(() => expect(deltas).toHaveLength(1));
    expect(deltas[0]).toMatchObject({ base: snapshot.data.playersRevision?.n, ids: ["8", "9"] });
    expect(deltas[0]?.rows.map((p) => p.id)).toEqual(["9"]);
    expect(follower.delta(deltas[0]!)).toBe(true);
    expect(follower.players).toEqual(second);
    expect(updates).toEqual([]);
    // A's mirror follows, under the delta's revision: the next snapshot on A is a base too.
    await vi.waitFor(() =>
      expect(a.cluster.hub.snapshotRevision(serverB, a.cluster.hub.players(serverB))).toEqual({
        stream: b.cluster.hub.streams.stream,
        n: deltas[0]?.n,
      }),
    );
    browser.disconnect();
  });

  it("ending a user's sessions on A disconnects their socket on B", async () => {
    const onB = await b.realtime.clientAs(owner);
    const ended = new Promise<{ reason: string }>((resolve) => onB.once("session:ended", resolve));
    const gone = new Promise<void>((resolve) => onB.once("disconnect", () => resolve()));
    a.realtime.realtime.endUserSessions(owner.id, "Your account was disabled.");
    expect(await ended).toEqual({ reason: "Your account was disabled." });
    await gone;
    expect(onB.connected).toBe(false);
  });

  it("the socket action limit counts a user's commands on both instances together", async () => {
    // A user of its own, so no earlier test spent any of its window: exactly the window's commands
    // run, alternating between A and B, though each instance alone would allow as many again.
    const admin = await createTestUser(t.db, "limited-across", "ADMIN");
    const onA = await a.realtime.clientAs(admin);
    const onB = await b.realtime.clientAs(admin);
    const ranBefore = a.local.execs.length;
    let refused: unknown = null;
    let accepted = 0;
    for (let i = 0; i < ACTIONS_PER_WINDOW + 5 && refused === null; i++) {
      const result = await emitResult(i % 2 === 0 ? onA : onB, "console:exec", {
        serverId: serverA,
        command: `say ${i}`,
      });
      if (result.ok) accepted++;
      else refused = result;
    }
    expect(refused).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    expect(accepted).toBe(ACTIONS_PER_WINDOW);
    expect(a.local.execs.length - ranBefore).toBe(ACTIONS_PER_WINDOW);
    // Refused on the other instance too.
    const other = await emitResult(onA, "console:exec", { serverId: serverA, command: "say more" });
    expect(other).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    onA.disconnect();
    onB.disconnect();
  });
});
