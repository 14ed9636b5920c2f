/**
 * Webhooks in the data layer (SQLite and PostgreSQL): the URL is stored encrypted and never comes
 * back (DTO, audit), a blank URL on edit keeps it, invalid forms never reach the database, and
 * every refusal (Viewer, an Admin limited to another server, "all servers" from a limited Admin)
 * is FORBIDDEN and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../../../lib/errors.ts";
import type { Actor } from "../../../lib/permissions.ts";
import { decryptSecret } from "../../security/crypto.ts";
import { seedServer, seedUser } from "../../automation/webhooks/testing.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import {
  authorizeWebhookTest,
  createWebhook,
  deleteWebhook,
  listWebhooks,
  updateWebhook,
  webhookServerChoices,
} from "./webhooks.ts";

const secrets = { encryptionKey: Buffer.alloc(32, 9), allowLoopback: false };
const TOKEN = "sEcReTtOkEn_abcdefghijklmnopqrstuvwxyz0123";
const URL_A = `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`;
const TOKEN_B = "AnOtHeRtOkEn_abcdefghijklmnopqrstuvwxyz9876";
const URL_B = `https://discord.com/api/webhooks/123456789012345678/${TOKEN_B}`;

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

describe.each(DATABASE_KINDS)("webhooks data layer on $kind", ({ create }) => {
  let t: TestDatabase;
  let serverA: string;
  let serverB: string;
  let admin: Actor;
  let limitedB: Actor;
  let viewer: Actor;
  const ctx = (actor: Actor) => ({ db: t.db, actor, ip: "127.0.0.1" });
  const form = (extra: Record<string, unknown> = {}) => ({
    name: "Bans to Discord",
    kind: "discord",
    url: URL_A,
    events: ["ban", "kick"],
    serverIds: [serverA],
    ...extra,
  });

  beforeAll(async () => {
    t = await create();
    serverA = await seedServer(t.db, "Alpha");
    serverB = await seedServer(t.db, "Bravo");
    admin = await seedUser(t.db, "ADMIN", null);
    limitedB = await seedUser(t.db, "ADMIN", [serverB]);
    viewer = await seedUser(t.db, "VIEWER", null);
  });
  afterAll(() => t.drop());

  it("stores the URL encrypted and never returns or audits it; a blank URL on edit keeps it", async () => {
    const dto = await createWebhook(ctx(admin), form(), secrets);
    expect(JSON.stringify(dto)).not.toContain(TOKEN);
    expect(dto).toMatchObject({
      name: "Bans to Discord",
      kind: "discord",
      events: ["ban", "kick"],
      serverIds: [serverA],
    });
    const row = await t.db.webhook.findUniqueOrThrow({ where: { id: dto.id } });
    expect(row.urlEncrypted).not.toContain(TOKEN);
    expect(decryptSecret(row.urlEncrypted, secrets.encryptionKey)).toBe(URL_A);

    const edited = await updateWebhook(ctx(admin), dto.id, form({ url: "", name: "Bans" }), secrets);
    expect(edited.name).toBe("Bans");
    const kept = await t.db.webhook.findUniqueOrThrow({ where: { id: dto.id } });
    expect(decryptSecret(kept.urlEncrypted, secrets.encryptionKey)).toBe(URL_A);
    await updateWebhook(ctx(admin), dto.id, form({ url: URL_B, name: "Bans" }), secrets);
    const replaced = await t.db.webhook.findUniqueOrThrow({ where: { id: dto.id } });
    expect(decryptSecret(replaced.urlEncrypted, secrets.encryptionKey)).toBe(URL_B);

    const listed = await listWebhooks(ctx(admin));
    expect(JSON.stringify(listed)).not.toMatch(new RegExp(`${TOKEN}|${TOKEN_B}|urlEncrypted`));
    const audit = await t.db.auditEvent.findMany({ where: { action: { startsWith: "automation.webhook" } } });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["automation.webhook.create", "automation.webhook.update"]),
    );
    expect(JSON.stringify(audit)).not.toMatch(new RegExp(`${TOKEN}|${TOKEN_B}`));
    await deleteWebhook(ctx(admin), dto.id);
    expect(await t.db.webhook.count()).toBe(0);
  });

  it("refuses invalid forms before anything is written", async () => {
    const before = await t.db.webhook.count();
    const cases = [
      form({ name: "" }),
      form({ events: [] }),
      form({ events: ["ban", "everything"] }),
      form({ url: "http://discord.com/api/webhooks/1/2" }),
      form({ url: "https://example.com/hook" }), // kind discord: not Discord's shape
      form({ kind: "json", url: "https://127.0.0.1/hook" }),
      form({ url: "" }),
      form({ serverIds: [] }),
      form({ serverIds: ["no-such-server"] }),
    ];
    for (const raw of cases)
      expect(await code(createWebhook(ctx(admin), raw, secrets))).toBe("INVALID_INPUT");
    expect(await t.db.webhook.count()).toBe(before);
  });

  it("refuses a Viewer and an Admin limited to another server, and audits it", async () => {
    expect(await code(createWebhook(ctx(viewer), form(), secrets))).toBe("FORBIDDEN");
    expect(await code(listWebhooks(ctx(viewer)))).toBe("FORBIDDEN");
    expect(await code(createWebhook(ctx(limitedB), form(), secrets))).toBe("FORBIDDEN");
    expect(await code(createWebhook(ctx(limitedB), form({ serverIds: [serverA, serverB] }), secrets))).toBe(
      "FORBIDDEN",
    );
    expect(await code(createWebhook(ctx(limitedB), form({ serverIds: [], allServers: true }), secrets))).toBe(
      "FORBIDDEN",
    );
    expect(await t.db.webhook.count()).toBe(0);

    const onA = await createWebhook(ctx(admin), form({ name: "A hook" }), secrets);
    const onB = await createWebhook(ctx(limitedB), form({ name: "B hook", serverIds: [serverB] }), secrets);
    expect((await listWebhooks(ctx(limitedB))).map((w) => w.name)).toEqual(["B hook"]);
    expect((await webhookServerChoices(ctx(limitedB))).map((s) => s.name)).toEqual(["Bravo"]);
    expect(await code(updateWebhook(ctx(limitedB), onA.id, form({ serverIds: [serverB] }), secrets))).toBe(
      "FORBIDDEN",
    );
    expect(await code(deleteWebhook(ctx(limitedB), onA.id))).toBe("FORBIDDEN");
    expect(await code(authorizeWebhookTest(ctx(limitedB), onA.id))).toBe("FORBIDDEN");
    expect(
      await code(
        updateWebhook(ctx(limitedB), onB.id, form({ name: "B hook", serverIds: [serverA] }), secrets),
      ),
    ).toBe("FORBIDDEN");
    expect(await authorizeWebhookTest(ctx(limitedB), onB.id)).toEqual({ serverName: "Bravo" });

    const denied = await t.db.auditEvent.findMany({
      where: { action: { startsWith: "automation.webhook" }, outcome: "denied" },
    });
    expect(denied.length).toBeGreaterThanOrEqual(5);
    expect(await t.db.webhook.findUniqueOrThrow({ where: { id: onA.id } })).toMatchObject({ name: "A hook" });
  });

  it("a kind change needs the URL again when the kept one does not suit it; names are unique", async () => {
    const hook = await createWebhook(
      ctx(admin),
      form({ name: "Generic", kind: "json", url: "https://hooks.example.com/x" }),
      secrets,
    );
    expect(await code(updateWebhook(ctx(admin), hook.id, form({ name: "Generic", url: "" }), secrets))).toBe(
      "INVALID_INPUT",
    );
    expect(await code(createWebhook(ctx(admin), form({ name: "Generic" }), secrets))).toBe("CONFLICT");
  });
});
