/**
 * Custom command definitions and who may run what, on SQLite and PostgreSQL: only unlimited
 * Admins define; running follows commands.run on the server and the role that applies there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { actorFor, createActor } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import type { DataContext } from "./context.ts";
import {
  commandForRun,
  createCustomCommand,
  deleteCustomCommand,
  listCustomCommands,
  runnableCommands,
  updateCustomCommand,
} from "./custom-commands.ts";

const changeMap = (roleIds: string[] = []) => ({
  name: "Change map",
  description: "Switch level",
  arguments: [{ type: "choice", name: "map", label: "Map", values: ["de_dust2", "de_inferno"] }],
  templates: { cs2: "changelevel {map}", "family:quake3": "map {map}" },
  roleIds,
  dangerous: false,
});

describe.each(DATABASE_KINDS)("custom commands on $kind", ({ create }) => {
  let t: TestDatabase;
  let admin: Actor;
  let moderator: Actor;
  let viewer: Actor;
  let limitedAdmin: Actor;
  let serverA: string;
  let serverB: string;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const server = async (name: string) =>
    (
      await t.db.server.create({
        data: {
          name,
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port: 27015,
          passwordEncrypted: "x",
        },
      })
    ).id;
  const denials = (action: string) => t.db.auditEvent.count({ where: { action, outcome: "denied" } });

  beforeAll(async () => {
    t = await create();
    serverA = await server("A");
    serverB = await server("B");
    admin = await createActor(t.db, "ADMIN", null);
    moderator = await createActor(t.db, "MODERATOR", null);
    viewer = await createActor(t.db, "VIEWER", null);
    limitedAdmin = await createActor(t.db, "ADMIN", [serverA]);
  });
  afterAll(async () => t?.drop());

  it("an unlimited Admin defines, lists, updates and deletes a command, each audited", async () => {
    const created = await createCustomCommand(ctx(admin), changeMap());
    expect(created).toMatchObject({
      name: "Change map",
      templates: { cs2: "changelevel {map}" },
      roleIds: [],
    });
    const updated = await updateCustomCommand(ctx(admin), created.id, {
      ...changeMap(["MODERATOR"]),
      name: "Renamed",
    });
    expect(updated.roleIds).toEqual(["MODERATOR"]);
    expect((await listCustomCommands(ctx(admin))).map((c) => c.name)).toContain("Renamed");
    await deleteCustomCommand(ctx(admin), created.id);
    const actions = (
      await t.db.auditEvent.findMany({ where: { targetId: created.id, outcome: "success" } })
    ).map((e) => e.action);
    expect(actions.sort()).toEqual([
      "custom_command.create",
      "custom_command.delete",
      "custom_command.update",
    ]);
  });

  it("refuses Moderators, Viewers and a server-limited Admin, and audits it", async () => {
    const before = await denials("custom_command.create");
    for (const actor of [moderator, viewer, limitedAdmin])
      await expect(createCustomCommand(ctx(actor), changeMap())).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await denials("custom_command.create")).toBe(before + 3);
    expect(await t.db.customCommand.count({ where: { name: "Change map" } })).toBe(0);
  });

  it("refuses bad definitions before they reach the database", async () => {
    const bad = [
      { ...changeMap(), templates: { cs2: "changelevel {level}" } },
      { ...changeMap(), templates: { cs2: "{map}" } },
      { ...changeMap(), templates: { nogame: "x" } },
      { ...changeMap(), arguments: [{ type: "choice", name: "map", label: "Map", values: ["a; quit"] }] },
      { ...changeMap(), roleIds: ["NO_SUCH_ROLE"] },
      { ...changeMap(), name: "x\nquit" },
    ];
    for (const input of bad)
      await expect(createCustomCommand(ctx(admin), input)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.db.customCommand.count()).toBe(0);
    await createCustomCommand(ctx(admin), { ...changeMap(), name: "Dup" });
    await expect(createCustomCommand(ctx(admin), { ...changeMap(), name: "Dup" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("offers and resolves a command by role on each server, only for games with a template", async () => {
    const restricted = await createCustomCommand(ctx(admin), {
      ...changeMap(["ADMIN"]),
      name: "Admins only",
    });
    const custom = await t.db.role.create({
      data: { name: "Map voter", permissions: JSON.stringify(["server.view", "commands.run"]) },
    });
    const forCustom = await createCustomCommand(ctx(admin), {
      ...changeMap([custom.id]),
      name: "For map voters",
    });
    // The Moderator holds the custom role on server B only.
    const user = await createActor(t.db, "MODERATOR", null);
    await t.db.serverAccess.create({ data: { userId: user.id, serverId: serverB, roleId: custom.id } });
    const mod = await actorFor(t.db, user.id);

    const names = async (actor: Actor, serverId: string, game = "cs2") =>
      (await runnableCommands(ctx(actor), serverId, game)).map((c) => c.name);
    expect(await names(mod, serverA)).toEqual(["Dup"]);
    expect(await names(mod, serverB)).toEqual(["Dup", "For map voters"]);
    expect(await names(admin, serverA)).toEqual(["Admins only", "Dup"]);
    expect(await names(admin, serverA, "arma3")).toEqual([]);
    expect(await names(admin, serverA, "urbanterror")).toEqual(["Admins only", "Dup"]);
    expect(await names(viewer, serverA)).toEqual([]);

    expect(await commandForRun(ctx(mod), serverB, forCustom.id, "cs2")).toMatchObject({
      template: "changelevel {map}",
    });
    expect(await commandForRun(ctx(admin), serverA, restricted.id, "ioq3")).toMatchObject({
      template: "map {map}",
    });
    const before = await denials("command.custom");
    await expect(commandForRun(ctx(mod), serverA, forCustom.id, "cs2")).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(commandForRun(ctx(mod), serverB, restricted.id, "cs2")).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(commandForRun(ctx(viewer), serverA, forCustom.id, "cs2")).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await denials("command.custom")).toBe(before + 3);
    await expect(commandForRun(ctx(admin), serverA, restricted.id, "arma3")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // A limited Admin reaches its own server only.
    await expect(commandForRun(ctx(limitedAdmin), serverB, restricted.id, "cs2")).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await commandForRun(ctx(limitedAdmin), serverA, restricted.id, "cs2")).toMatchObject({
      name: "Admins only",
    });
  });
});
