/**
 * Game log streams end to end: a real hub registers itself on real Source emulators over RCON
 * (TF2: UDP `logaddress_add` + `sv_logsecret`; CS2: `logaddress_add_http`), the emulators send
 * their joins, leaves and chat to real loopback receivers, and each event reaches the console once
 * although polling sees the same joins and leaves. Letting the server go unregisters the hub.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../../rcon/emulators/registry.ts";
import { createTextCodec } from "../../rcon/encoding.ts";
import type { SourceEmulator } from "../../rcon/emulators/source/emulator.ts";
import type { UdpServerSocket } from "../../rcon/transport/udp.ts";
import { encryptSecret } from "../../security/crypto.ts";
import { gameLogSecrets } from "../../security/game-log-secrets.ts";
import { DATABASE_KINDS, type TestDatabase, disableServerRows } from "../../testing/databases.ts";
import { ConnectionHub, type HubEvent } from "../hub.ts";
import { handleGameLogRequest } from "./http-route.ts";
import { GameLogReceiver } from "./receiver.ts";
import { listenGameLogsUdp } from "./udp-listener.ts";

const KEY = Buffer.alloc(32, 7);
const secrets = gameLogSecrets(KEY);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const FAST = {
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
  connectTimeoutMs: 1_000,
  commandTimeoutMs: 2_000,
};
type Line = Extract<HubEvent, { type: "line" }>["line"];

describe("game log streams into the hub", () => {
  const sqlite = DATABASE_KINDS[0];
  let t: TestDatabase;
  let receiver: GameLogReceiver;
  let udp: UdpServerSocket;
  let http: Server;
  let udpEndpoint: string;
  let httpBase: string;
  const hubs: ConnectionHub[] = [];
  const emulators: SourceEmulator[] = [];

  beforeAll(async () => {
    t = await sqlite.create();
    receiver = new GameLogReceiver(() => Date.now(), createTextCodec("utf-8"));
    udp = await listenGameLogsUdp(receiver, "127.0.0.1", 0, silent);
    udpEndpoint = `127.0.0.1:${udp.port}`;
    http = createServer((req, res) => handleGameLogRequest(receiver, req, res, silent));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
    await disableServerRows(t.db);
  });
  afterAll(async () => {
    await udp.close();
    await new Promise((resolve) => http.close(resolve));
    await t.drop();
  });

  async function setup(game: string, gameLogs = true) {
    const e = await startEmulator("source", {
      password: "pw",
      port: 0,
      game,
      players: 3,
      activity: 0,
      seed: 5,
      extra: { "ban-after": 0 },
    });
    emulators.push(e);
    const row = await t.db.server.create({
      data: {
        name: `${game}-${e.port}`,
        game,
        protocol: "source",
        host: "127.0.0.1",
        port: e.port,
        passwordEncrypted: encryptSecret("pw", KEY),
        pollIntervalSeconds: 1,
        gameLogs,
      },
    });
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      gameLogs: { receiver, endpoints: { udp: udpEndpoint, httpBase }, secrets },
    });
    hubs.push(hub);
    const lines: Line[] = [];
    hub.on((ev) => ev.type === "line" && ev.line.serverId === row.id && lines.push(ev.line));
    await hub.start();
    await vi.waitFor(() => expect(hub.statusOf(row.id).state).toBe("online"), { timeout: 5_000 });
    // The first poll has run: the players already on are tracked (and not announced).
    await vi.waitFor(() => expect(hub.players(row.id)).toHaveLength(e.world.players.length), {
      timeout: 5_000,
    });
    return { e, id: row.id, hub, lines };
  }

  const names = (lines: Line[], kind: Line["kind"], text: string) =>
    lines.filter((l) => l.kind === kind && l.text === text);

  it("TF2: registers logaddress_add with its sv_logsecret and shows chat that never reaches RCON", async () => {
    const { e, id, lines } = await setup("tf2");
    await vi.waitFor(() => expect(e.logs.enabled).toBe(true), { timeout: 5_000 });
    expect(e.logs.udpTargets).toEqual([udpEndpoint]);
    expect(e.logs.secret).toBe(secrets.udpSecret(id));
    const speaker = e.world.humans[0]!;
    expect(e.playerChat("rotate to B")).toBe(false); // no RCON push on TF2: only the log carries it
    await vi.waitFor(
      () => expect(lines.some((l) => l.kind === "chat" && l.text.endsWith(": rotate to B"))).toBe(true),
      { timeout: 5_000 },
    );
    expect(lines.filter((l) => l.text.includes("rotate to B"))).toHaveLength(1);
    expect(speaker).toBeDefined();
    // The registration commands are not console lines, and the secret is in none.
    expect(lines.map((l) => l.text).join("\n")).not.toContain(secrets.udpSecret(id));
  });

  it("TF2: a join and a leave the log announces first are not announced again by the poll that sees them", async () => {
    const { e, id, hub, lines } = await setup("tf2");
    await vi.waitFor(() => expect(e.logs.enabled).toBe(true), { timeout: 5_000 });
    const joiner = e.world.join(Date.now())!;
    e.logs.sync(); // what the emulator's tick does after a join: the log says so at once
    await vi.waitFor(() => expect(hub.players(id).map((p) => p.name)).toContain(joiner.name), {
      timeout: 5_000,
    });
    expect(names(lines, "join", `${joiner.name} joined`)).toHaveLength(1);
    e.world.remove(joiner);
    e.logs.sync();
    await vi.waitFor(() => expect(hub.players(id).map((p) => p.name)).not.toContain(joiner.name), {
      timeout: 5_000,
    });
    expect(names(lines, "leave", `${joiner.name} left`)).toHaveLength(1);
  });

  it("TF2: a join the poll announces first is not announced again by the log line that follows", async () => {
    const { e, id, hub, lines } = await setup("tf2");
    await vi.waitFor(() => expect(e.logs.enabled).toBe(true), { timeout: 5_000 });
    // No sync: the next poll's `status` sees the player first, and the emulator logs the join after answering it.
    const joiner = e.world.join(Date.now())!;
    await vi.waitFor(() => expect(hub.players(id).map((p) => p.name)).toContain(joiner.name), {
      timeout: 5_000,
    });
    // A chat line sent after the join's log line arrives after it (one socket, loopback, in order).
    e.playerChat("marker after the join");
    await vi.waitFor(() => expect(lines.some((l) => l.text.endsWith("marker after the join"))).toBe(true), {
      timeout: 5_000,
    });
    expect(names(lines, "join", `${joiner.name} joined`)).toHaveLength(1);
  });

  it("CS2: registers logaddress_add_http with a secret path, shows chat, and unregisters when the hub lets go", async () => {
    const { e, id, hub, lines } = await setup("cs2");
    await vi.waitFor(() => expect(e.logs.enabled).toBe(true), { timeout: 5_000 });
    expect(e.logs.httpTargets).toEqual([`${httpBase}/api/game-logs/${id}/${secrets.httpToken(id)}`]);
    expect(e.playerChat("eco round")).toBe(false);
    await vi.waitFor(
      () => expect(lines.some((l) => l.kind === "chat" && l.text.endsWith(": eco round"))).toBe(true),
      { timeout: 5_000 },
    );
    await hub.removeServer(id);
    expect(e.logs.httpTargets).toEqual([]);
    expect(lines.map((l) => l.text).join("\n")).not.toContain(secrets.httpToken(id));
  });

  it("several instances: only the instance holding the server registers; released or fenced, its lines are refused", async () => {
    const e = await startEmulator("source", {
      password: "pw",
      port: 0,
      game: "tf2",
      players: 2,
      activity: 0,
      seed: 6,
      extra: { "ban-after": 0 },
    });
    emulators.push(e);
    const row = await t.db.server.create({
      data: {
        name: `leased-${e.port}`,
        game: "tf2",
        protocol: "source",
        host: "127.0.0.1",
        port: e.port,
        passwordEncrypted: encryptSecret("pw", KEY),
        pollIntervalSeconds: 1,
        gameLogs: true,
      },
    });
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: FAST,
      history: { intervalMs: 20 },
      ownership: "leased",
      gameLogs: { receiver, endpoints: { udp: udpEndpoint, httpBase }, secrets },
    });
    hubs.push(hub);
    const lines: Line[] = [];
    hub.on((ev) => ev.type === "line" && ev.line.serverId === row.id && lines.push(ev.line));
    await hub.start();
    await hub.reloadServer(row.id); // not held here: nothing connects, nothing registers
    expect(e.logs.udpTargets).toEqual([]);
    await hub.adopt(row.id, 1);
    await vi.waitFor(() => expect(e.logs.udpTargets).toEqual([udpEndpoint]), { timeout: 5_000 });
    await hub.release(row.id);
    expect(e.logs.udpTargets).toEqual([]);
    // The game still sending (its log address list is its own): the lines are refused, not shown.
    const refusedBefore = receiver.refusals()["unknown-source"];
    e.logs.command("logaddress_add", udpEndpoint);
    e.playerChat("after release");
    await vi.waitFor(() => expect(receiver.refusals()["unknown-source"]).toBe(refusedBefore + 1), {
      timeout: 5_000,
    });
    // Adopted again, then fenced (the lease lapsed): nothing is sent to the game, and lines are refused at once.
    await hub.adopt(row.id, 2);
    await vi.waitFor(() => expect(hub.statusOf(row.id).state).toBe("online"), { timeout: 5_000 });
    await vi.waitFor(() => expect(e.logs.enabled).toBe(true), { timeout: 5_000 });
    hub.fenceAll("lease lost");
    e.playerChat("after fence");
    await vi.waitFor(() => expect(receiver.refusals()["unknown-source"]).toBe(refusedBefore + 2), {
      timeout: 5_000,
    });
    expect(lines.some((l) => l.text.includes("after release") || l.text.includes("after fence"))).toBe(false);
  });

  it("TF2: stopping the hub removes its log address; a server with game logs off is never registered", async () => {
    const { e, hub } = await setup("tf2");
    await vi.waitFor(() => expect(e.logs.udpTargets).toEqual([udpEndpoint]), { timeout: 5_000 });
    await hub.stop();
    expect(e.logs.udpTargets).toEqual([]);
    const off = await setup("tf2", false);
    expect(off.e.logs.udpTargets).toEqual([]);
    expect(off.e.logs.enabled).toBe(false);
  });
});
