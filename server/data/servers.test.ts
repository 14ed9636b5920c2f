import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import {
  createServerSchema,
  PASSWORD_REQUIRED_FOR_NEW_ADDRESS,
  updateServerSchema,
  type CreateServerInput,
  type UpdateServerInput,
} from "../../lib/schemas/server.ts";
import type { Db } from "../db/client.ts";
import { decryptSecret } from "../security/crypto.ts";
import { completeOwnerSetup } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { listAuditEvents } from "./audit.ts";
import type { DataContext } from "./context.ts";
import { createServer, getServerConnectionSettings, updateServer } from "./servers.ts";
import { issueSetupToken } from "./users.ts";

const KEY = randomBytes(32);
const STORED = "stored-rcon-secret";

describe.each(DATABASE_KINDS)("server settings on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  const ctx = (db: Db = t.db): DataContext => ({ db, actor: owner, ip: "127.0.0.1" });

  beforeAll(async () => {
    t = await create();
    owner = await completeOwnerSetup(t.db, await issueSetupToken(t.db));
  });
  afterAll(async () => t.drop());

  const fields = {
    name: "Main",
    game: "cs2",
    host: "game.example.com",
    port: "27015",
    encoding: "",
    enabled: true,
  };
  const addServer = async () =>
    createServer(ctx(), KEY, createServerSchema.parse({ ...fields, password: STORED }));
  const edit = (id: string, changes: Record<string, unknown>) =>
    updateServerSchema.parse({ ...fields, id, password: "", ...changes });
  const rowOf = async (id: string) => {
    const row = await t.db.server.findUniqueOrThrow({ where: { id } });
    return { ...row, password: decryptSecret(row.passwordEncrypted, KEY) };
  };

  it.each([
    ["host", { host: "attacker.example.net" }],
    ["port", { port: "27016" }],
    ["protocol", { game: "arma3" }],
    ["host given as an IP", { host: "203.0.113.7" }],
  ])(
    "refuses to keep the stored password when the %s changes, and changes nothing",
    async (_what, changes) => {
      const server = await addServer();
      const before = await t.db.server.findUniqueOrThrow({ where: { id: server.id } });
      const attempt = updateServer(ctx(), KEY, edit(server.id, { name: "Renamed", ...changes }));
      await expect(attempt).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fieldErrors: { password: [PASSWORD_REQUIRED_FOR_NEW_ADDRESS] },
      });
      expect(await t.db.server.findUniqueOrThrow({ where: { id: server.id } })).toEqual(before);
      const audit = await listAuditEvents(t.db, owner, { action: "server.update" });
      const refused = audit.find((e) => e.targetId === server.id);
      expect(refused?.outcome).toBe("failure");
      expect(refused?.detail).toMatch(/password required/);
    },
  );

  it("moves the server when the password is entered again, storing the new one", async () => {
    const server = await addServer();
    await updateServer(
      ctx(),
      KEY,
      edit(server.id, { host: "other.example.net", port: "27020", game: "rust", password: "typed-again" }),
    );
    expect(await rowOf(server.id)).toMatchObject({
      host: "other.example.net",
      port: 27020,
      protocol: "source",
      game: "rust",
      password: "typed-again",
    });
  });

  it("keeps the stored password when only other settings change, including the host's letter case and a game of the same protocol", async () => {
    const server = await addServer();
    await updateServer(
      ctx(),
      KEY,
      edit(server.id, {
        name: "Renamed",
        host: "GAME.example.com",
        game: "tf2",
        encoding: "latin1",
        enabled: false,
      }),
    );
    expect(await rowOf(server.id)).toMatchObject({
      name: "Renamed",
      host: "game.example.com",
      port: 27015,
      game: "tf2",
      encoding: "latin1",
      enabled: false,
      password: STORED,
    });
    expect((await getServerConnectionSettings(t.db, KEY, server.id))?.password).toBe(STORED);
  });

  it("does not keep the password if the address changed between the check and the write", async () => {
    const server = await addServer();
    // A concurrent edit (with its own password) lands right after updateServer read the row.
    let raced = false;
    const racing = t.db.$extends({
      query: {
        server: {
          async findUnique({ args, query }) {
            const result = await query(args);
            if (!raced) {
              raced = true;
              await t.db.server.update({ where: { id: server.id }, data: { host: "moved.example.org" } });
            }
            return result;
          },
        },
      },
    }) as unknown as Db;
    await expect(
      updateServer(ctx(racing), KEY, edit(server.id, { name: "Stale edit" })),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await rowOf(server.id)).toMatchObject({ name: "Main", host: "moved.example.org" });
  });

  it("checks host, port and encoding in the data layer too, for callers that skip the form schema", async () => {
    const raw = { ...fields, port: 27015, encoding: null, password: STORED } as CreateServerInput;
    await expect(createServer(ctx(), KEY, { ...raw, host: "127.0.0.1:27015" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { host: [expect.stringMatching(/Port field/)] },
    });
    await expect(createServer(ctx(), KEY, { ...raw, port: 0x10000 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { port: ["Ports go from 1 to 65535"] },
    });
    await expect(createServer(ctx(), KEY, { ...raw, encoding: "klingon" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { encoding: ["Choose an encoding from the list"] },
    });
    const server = await addServer();
    const update = { ...raw, id: server.id, password: null } as UpdateServerInput;
    await expect(
      updateServer(ctx(), KEY, { ...update, host: "http://game.example.com" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await rowOf(server.id)).toMatchObject({ host: "game.example.com", password: STORED });
  });
});
