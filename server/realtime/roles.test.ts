/**
 * Per-server and custom roles over a real socket (real hub, BattlEye emulators): a per-server
 * Moderator role on C refuses console.execute on C while the main Admin role allows it on A, and a
 * role edit changes what an already open socket may do at its next event.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { createRoleSchema } from "../../lib/schemas/roles.ts";
import { createRole, updateRole } from "../data/roles.ts";
import type { RunningBattlEyeEmulator } from "../rcon/emulators/battleye/emulator.ts";
import type { ConnectionHub } from "../hub/hub.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import { actorFor } from "../testing/actors.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { createLoopbackServer, startHub } from "../testing/hub.ts";
import {
  createTestUser,
  emitResult as emit,
  startRealtime,
  type RunningRealtime,
} from "../testing/realtime.ts";

const KEY = Buffer.alloc(32, 14);

describe("roles over socket.io (real hub, BattlEye emulators)", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  const emulators: RunningBattlEyeEmulator[] = [];
  let serverA: string;
  let serverC: string;
  let owner: Actor;

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    const ids: string[] = [];
    for (const name of ["A", "C"]) {
      const emulator = await startEmulator("battleye", { password: "pw", players: 2, activity: 0, seed: 14 });
      emulators.push(emulator);
      ids.push(
        await createLoopbackServer(t.db, KEY, {
          name,
          game: "arma3",
          protocol: "battleye",
          port: emulator.port,
        }),
      );
    }
    [serverA = "", serverC = ""] = ids;
    owner = await actorFor(t.db, (await createTestUser(t.db, "owner", "OWNER")).id);
    hub = await startHub(t.db, { encryptionKey: KEY, history: { intervalMs: 20, maxLines: 50 } });
    r = await startRealtime({ db: t.db, hub });
    await vi.waitFor(() => expect([serverA, serverC].map((s) => hub.players(s).length)).toEqual([2, 2]), {
      timeout: 10_000,
    });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    for (const e of emulators) await e.close();
    await t.drop();
  });

  it("Admin on A, Moderator on C: console:exec runs on A and is refused on C, audited, nothing sent", async () => {
    const user = await createTestUser(t.db, "mixed", "ADMIN", [serverA, serverC]);
    await t.db.serverAccess.update({
      where: { userId_serverId: { userId: user.id, serverId: serverC } },
      data: { roleId: "MODERATOR" },
    });
    const socket = await r.clientAs(user);
    const onA = await emit(socket, "console:exec", { serverId: serverA, command: "players" });
    expect(onA.ok).toBe(true);
    expect(await emit(socket, "console:exec", { serverId: serverC, command: "say -1 nope" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(
      await t.db.auditEvent.count({ where: { actorId: user.id, targetId: serverC, outcome: "denied" } }),
    ).toBeGreaterThan(0);
    expect(
      await t.db.auditEvent.count({
        where: { actorId: user.id, serverId: serverC, action: "console.command", outcome: { not: "denied" } },
      }),
    ).toBe(0);
    // The Moderator role still works on C: it may subscribe there and read the console.
    expect((await emit(socket, "server:subscribe", { serverId: serverC })).ok).toBe(true);
  });

  it("a role edit changes what an open socket may do at its next event", async () => {
    const role = await createRole(
      { db: t.db, actor: owner, ip: null },
      createRoleSchema.parse({
        name: "Operator",
        permissions: ["server.view", "console.read", "players.view"],
      }),
    );
    const user = await createTestUser(t.db, "operator", "VIEWER", [serverA]);
    await t.db.user.update({ where: { id: user.id }, data: { role: role.id } });
    const socket = await r.clientAs(user);
    expect(await emit(socket, "console:exec", { serverId: serverA, command: "players" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    await updateRole(
      { db: t.db, actor: owner, ip: null },
      {
        roleId: role.id,
        name: "Operator",
        description: "",
        permissions: ["server.view", "console.read", "players.view", "console.execute"],
        requireTwoFactor: false,
      },
    );
    // Same socket, no reconnect: the next event sees the new permissions.
    expect(socket.connected).toBe(true);
    expect((await emit(socket, "console:exec", { serverId: serverA, command: "players" })).ok).toBe(true);
    await updateRole(
      { db: t.db, actor: owner, ip: null },
      {
        roleId: role.id,
        name: "Operator",
        description: "",
        permissions: ["server.view"],
        requireTwoFactor: false,
      },
    );
    expect(await emit(socket, "console:exec", { serverId: serverA, command: "players" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
  });
});
