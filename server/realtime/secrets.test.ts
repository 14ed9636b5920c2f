/**
 * Secrets typed into or printed by the console (issue 10 item 7): an Admin reads and sets rcon and
 * join passwords on the real OpenArena server, the Quake 3 emulator and the CS2 emulator while an
 * Admin and a Viewer watch. Neither socket ever receives a secret value, and neither the console
 * history nor the audit log stores one, on SQLite and PostgreSQL.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type {
  ClientToServerEvents,
  ConsoleLineMessage,
  ServerToClientEvents,
} from "../../lib/realtime/contract.ts";
import type { Result } from "../../lib/result.ts";
import { ConnectionHub } from "../hub/hub.ts";
import { OPENARENA } from "../rcon/protocol/quake3/dialects/ioq3.ts";
import { startQuake3Emulator, type Quake3Emulator } from "../rcon/quake3/emulator.ts";
import { startOpenArena, type RealServer } from "../rcon/quake3/testing/openarena-server.ts";
import { startSourceEmulator } from "../rcon/source/emulator.ts";
import type { RunningEmulator } from "../rcon/types.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { sessionCookieFor } from "../testing/session-cookie.ts";
import { createRealtime } from "./io.ts";

const AUTH_SECRET = "s".repeat(48);
const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// Distinctive values: none of them can occur in a game's text by chance.
const OA_RCON = "Qx7oaRcon";
const EMU_RCON = "Qx7emuRcon";
const CS2_RCON = "Qx7cs2Rcon";
const JOIN = "Qx7joinPw";
const SECRETS = [OA_RCON, EMU_RCON, CS2_RCON, JOIN];

describe.each(DATABASE_KINDS)("secrets in console commands and answers ($kind)", ({ create }) => {
  let t: TestDatabase;
  let http: HttpServer;
  let hub: ConnectionHub;
  let realtime: ReturnType<typeof createRealtime>;
  let openarena: RealServer;
  let q3: Quake3Emulator;
  let cs2: RunningEmulator;
  let url: string;
  const servers: Record<string, string> = {};
  const users: Record<string, string> = {};
  const open: ClientSocket[] = [];

  async function client(role: string): Promise<ClientSocket> {
    const { cookie } = await sessionCookieFor(t.db, AUTH_SECRET, users[role] ?? "");
    const socket: ClientSocket = connect(url, {
      transports: ["websocket"],
      extraHeaders: { cookie },
      reconnection: false,
      forceNew: true,
    });
    open.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", resolve);
      socket.on("connect_error", reject);
    });
    return socket;
  }
  const emit = <T>(
    socket: ClientSocket,
    event: keyof ClientToServerEvents,
    payload: unknown,
  ): Promise<Result<T>> =>
    new Promise((resolve) =>
      (socket.emit as (e: string, p: unknown, ack: (r: Result<T>) => void) => void)(event, payload, resolve),
    );

  beforeAll(async () => {
    t = await create();
    for (const role of ["ADMIN", "VIEWER"] as const) {
      users[role] = (
        await t.db.user.create({
          data: {
            email: `${role.toLowerCase()}@example.com`,
            name: role.toLowerCase(),
            passwordHash: "x",
            role,
            allServers: true,
          },
        })
      ).id;
    }
    openarena = await startOpenArena({ bots: ["Sarge"], password: OA_RCON });
    q3 = await startQuake3Emulator({
      dialect: OPENARENA,
      password: EMU_RCON,
      players: 2,
      activity: 0,
      seed: 3,
    });
    cs2 = await startSourceEmulator({ game: "cs2", password: CS2_RCON, players: 2, activity: 0, seed: 3 });
    const rows = [
      { name: "oa", game: "openarena", protocol: "quake3", port: openarena.port, password: OA_RCON },
      { name: "q3", game: "openarena", protocol: "quake3", port: q3.port, password: EMU_RCON },
      { name: "cs2", game: "cs2", protocol: "source", port: cs2.port, password: CS2_RCON },
    ];
    for (const row of rows) {
      servers[row.name] = (
        await t.db.server.create({
          data: {
            name: row.name,
            game: row.game,
            protocol: row.protocol,
            host: "127.0.0.1",
            port: row.port,
            passwordEncrypted: encryptSecret(row.password, KEY),
          },
        })
      ).id;
    }
    hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      history: { intervalMs: 20, maxLines: 50 },
    });
    await hub.start();
    http = createServer();
    realtime = createRealtime(http, { db: t.db, authSecret: AUTH_SECRET, logger: silent, hub });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    await vi.waitFor(
      () =>
        expect(Object.values(servers).map((id) => hub.statusOf(id).state)).toEqual([
          "online",
          "online",
          "online",
        ]),
      { timeout: 20_000, interval: 100 },
    );
  }, 60_000);

  afterAll(async () => {
    for (const s of open) s.disconnect();
    await realtime?.close();
    await hub?.stop();
    await Promise.allSettled([openarena?.stop(), q3?.close(), cs2?.close()]);
    await new Promise((resolve) => http?.close(resolve));
    await t?.drop();
  });

  it("an Admin's password queries and changes reach no socket, Admin's included, and are stored masked", async () => {
    const admin = await client("ADMIN");
    const viewer = await client("VIEWER");
    const received: Record<string, unknown[]> = { admin: [], viewer: [] };
    admin.onAny((...args: unknown[]) => received.admin?.push(args));
    viewer.onAny((...args: unknown[]) => received.viewer?.push(args));
    for (const id of Object.values(servers)) {
      expect(await emit(admin, "server:subscribe", { serverId: id })).toMatchObject({ ok: true });
      expect(await emit(viewer, "server:subscribe", { serverId: id })).toMatchObject({ ok: true });
    }

    const quake3Commands = [
      "rconPassword",
      "cvarlist rcon",
      `set g_password ${JOIN}`,
      "g_password",
      "cvarlist g_pass",
      "vstr rconPassword",
    ];
    const script: [string, string[]][] = [
      [servers.oa as string, quake3Commands],
      [servers.q3 as string, quake3Commands],
      [
        servers.cs2 as string,
        ["rcon_password", "find password", `sv_password ${JOIN}`, "sv_password", "cvarlist rcon_"],
      ],
    ];
    const acks: unknown[] = [];
    const answers: ConsoleLineMessage[] = [];
    for (const [serverId, commands] of script) {
      for (const command of commands) {
        const result = await emit<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>(
          admin,
          "console:exec",
          { serverId, command },
        );
        if (!result.ok) throw new Error(`${command}: ${result.error.message}`);
        acks.push(result);
        answers.push(result.data.answer);
      }
    }
    // What the commands revealed was there, masked: the query answers name the setting.
    const oaQuery = answers[0]?.text ?? "";
    expect(oaQuery).toMatch(/"rconPassword" is:"\*{8}"/);
    expect(answers.find((a) => a.text.includes("sv_password"))?.text).toMatch(/"sv_password" = "\*{8}"/);

    await vi.waitFor(() =>
      expect(
        received.viewer?.filter((e) => (e as unknown[])[0] === "console:line").length,
      ).toBeGreaterThanOrEqual(answers.length * 2),
    );
    const everything = JSON.stringify({ acks, received });
    for (const secret of SECRETS) expect(everything, secret).not.toContain(secret);
    expect(everything).toContain(`set g_password ********`);

    // Stored: console lines and audit records (input and detail), once the history is written.
    const lastSeq = answers[answers.length - 1]?.seq ?? 0;
    await vi.waitFor(
      async () =>
        expect(await t.db.consoleLine.count({ where: { serverId: servers.cs2, seq: lastSeq } })).toBe(1),
      { timeout: 5_000 },
    );
    const stored = JSON.stringify([
      await t.db.consoleLine.findMany({ select: { text: true } }),
      await t.db.auditEvent.findMany({ select: { input: true, detail: true } }),
    ]);
    for (const secret of SECRETS) expect(stored, secret).not.toContain(secret);
    expect(stored).toContain("sv_password ********");

    // The masked command recalled from the history is refused, not sent: the join password stays.
    expect(
      await emit(admin, "console:exec", { serverId: servers.q3, command: "set g_password ********" }),
    ).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    const sent = (await hub.lines(servers.q3 as string, { limit: 1000 })).filter(
      (l) => l.kind === "command" && l.text === "set g_password ********",
    );
    expect(sent).toHaveLength(1); // the first, real one only
  }, 60_000);
});
