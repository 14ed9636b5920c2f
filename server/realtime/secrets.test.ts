/**
 * Secrets typed into or printed by the console (issue 10 item 7): an Admin reads and sets rcon and
 * join passwords on the real OpenArena server, the Quake 3 emulator and the CS2 emulator while an
 * Admin and a Viewer watch. Neither socket ever receives a secret value, and neither the console
 * history nor the audit log stores one, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConsoleLineMessage } from "../../lib/realtime/contract.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { Quake3Emulator } from "../rcon/emulators/quake3/emulator.ts";
import { startOpenArena, type RealServer } from "../rcon/quake3/testing/openarena-server.ts";
import type { RunningEmulator } from "../rcon/emulators/types.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import {
  createRoleUsers,
  emitResult as emit,
  startRealtime,
  type RunningRealtime,
  type TestUser,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 7);

// Distinctive values: none of them can occur in a game's text by chance.
const OA_RCON = "Qx7oaRcon";
const EMU_RCON = "Qx7emuRcon";
const CS2_RCON = "Qx7cs2Rcon";
const JOIN = "Qx7joinPw";
const SECRETS = [OA_RCON, EMU_RCON, CS2_RCON, JOIN];

describe.each(DATABASE_KINDS)("secrets in console commands and answers ($kind)", ({ create }) => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let openarena: RealServer;
  let q3: Quake3Emulator;
  let cs2: RunningEmulator;
  const servers: Record<string, string> = {};
  let users: Record<"ADMIN" | "VIEWER", TestUser>;
  const client = (role: keyof typeof users) => r.clientAs(users[role]);

  beforeAll(async () => {
    t = await create();
    users = await createRoleUsers(t.db, ["ADMIN", "VIEWER"]);
    openarena = await startOpenArena({ bots: ["Sarge"], password: OA_RCON });
    q3 = await startEmulator("quake3", {
      game: "openarena",
      password: EMU_RCON,
      players: 2,
      activity: 0,
      seed: 3,
    });
    cs2 = await startEmulator("source", {
      game: "cs2",
      password: CS2_RCON,
      players: 2,
      activity: 0,
      seed: 3,
    });
    const rows = [
      { name: "oa", game: "openarena", protocol: "quake3", port: openarena.port, password: OA_RCON },
      { name: "q3", game: "openarena", protocol: "quake3", port: q3.port, password: EMU_RCON },
      { name: "cs2", game: "cs2", protocol: "source", port: cs2.port, password: CS2_RCON },
    ];
    for (const row of rows) servers[row.name] = await createLoopbackServer(t.db, KEY, row);
    hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20, maxLines: 50 } });
    r = await startRealtime({ db: t.db, hub });
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
    await r?.close();
    await hub?.stop();
    await Promise.allSettled([openarena?.stop(), q3?.close(), cs2?.close()]);
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
          // Password changes are dangerous commands: the Admin confirms them (lib/commands/policy.ts).
          { serverId, command, confirmed: true },
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
      await emit(admin, "console:exec", {
        serverId: servers.q3,
        command: "set g_password ********",
        confirmed: true,
      }),
    ).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    const sent = (await hub.lines(servers.q3 as string, { limit: 1000 })).filter(
      (l) => l.kind === "command" && l.text === "set g_password ********",
    );
    expect(sent).toHaveLength(1); // the first, real one only
  }, 60_000);
});
