/**
 * Two-factor sign-in in the data layer on SQLite and PostgreSQL: enrolment, single-use codes, the
 * per-user code limiter, disabling and regenerating, an admin's reset, and a role that requires it.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { TwoFactorLimiter } from "../auth/two-factor-limiter.ts";
import { totpCode } from "../auth/totp.ts";
import { hashPassword } from "../auth/passwords.ts";
import { decryptSecret } from "../security/crypto.ts";
import { actorFor, TEST_PASSWORD } from "../testing/actors.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { requirePermission, type DataContext } from "./context.ts";
import {
  confirmTwoFactorSetup,
  consumeSecondFactor,
  disableTwoFactor,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  resetMemberTwoFactor,
  startTwoFactorSetup,
} from "./two-factor.ts";
import { listTeam } from "./users.ts";

const KEY = randomBytes(32);
const T0 = new Date("2026-11-30T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(DATABASE_KINDS)("two-factor sign-in data on $kind", ({ create }) => {
  let t: TestDatabase;
  let n = 0;

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t.drop();
  });

  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "192.0.2.1" });
  const deps = (now: Date, limiter = new TwoFactorLimiter()) => ({ limiter, key: KEY, now });
  async function user(role = "MODERATOR", serverRoleId?: string): Promise<Actor> {
    n += 1;
    const row = await t.db.user.create({
      data: {
        email: `u${n}@example.com`,
        name: `U${n}`,
        passwordHash: await hashPassword(TEST_PASSWORD),
        role,
        allServers: serverRoleId === undefined,
      },
    });
    if (serverRoleId !== undefined) {
      const server = await t.db.server.create({
        data: {
          name: `S${n}`,
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port: 27015,
          passwordEncrypted: "x",
        },
      });
      await t.db.serverAccess.create({ data: { userId: row.id, serverId: server.id, roleId: serverRoleId } });
    }
    return actorFor(t.db, row.id);
  }
  /** Enrols `actor` at T0 and returns its secret and recovery codes. */
  async function enrol(actor: Actor) {
    const setup = await startTwoFactorSetup(ctx(actor), KEY);
    const { recoveryCodes } = await confirmTwoFactorSetup(ctx(actor), totpCode(setup.secret, T0), deps(T0));
    return { secret: setup.secret, recoveryCodes };
  }
  const audits = (userId: string, action: string, outcome?: string) =>
    t.db.auditEvent.findMany({ where: { targetId: userId, action, ...(outcome ? { outcome } : {}) } });
  const row = (id: string) => t.db.user.findUniqueOrThrow({ where: { id } });

  it("enrols: the secret is pending until a right code, stored encrypted, and ten recovery codes are stored hashed", async () => {
    const mia = await user();
    const setup = await startTwoFactorSetup(ctx(mia), KEY);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    expect(setup.qrSvg).toMatch(/^<svg/);
    const pending = await row(mia.id);
    expect(pending.totpEnabledAt).toBeNull();
    expect(pending.totpSecret).not.toContain(setup.secret);
    expect(decryptSecret(pending.totpSecret ?? "", KEY)).toBe(setup.secret);
    expect((await getTwoFactorStatus(ctx(mia))).enabled).toBe(false);

    const wrong = String((Number(totpCode(setup.secret, T0)) + 1) % 1_000_000).padStart(6, "0");
    await expect(confirmTwoFactorSetup(ctx(mia), wrong, deps(T0))).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect((await row(mia.id)).totpEnabledAt).toBeNull();

    const { recoveryCodes } = await confirmTwoFactorSetup(ctx(mia), totpCode(setup.secret, T0), deps(T0));
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.db.recoveryCode.findMany({ where: { userId: mia.id } });
    expect(stored).toHaveLength(10);
    expect(stored.map((c) => c.codeHash)).not.toContain(recoveryCodes[0]);
    expect(await getTwoFactorStatus(ctx(mia))).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
      required: false,
    });
    // A second set-up is refused while enrolled.
    await expect(startTwoFactorSetup(ctx(mia), KEY)).rejects.toMatchObject({ code: "CONFLICT" });

    expect(await audits(mia.id, "auth.2fa_enable", "failure")).toHaveLength(1);
    expect(await audits(mia.id, "auth.2fa_enable", "success")).toHaveLength(1);
    // Neither the secret nor any code reaches the audit log.
    const all = JSON.stringify(await t.db.auditEvent.findMany({ where: { actorId: mia.id } }));
    expect(all).not.toContain(setup.secret);
    expect(all).not.toContain(recoveryCodes[0]);
  });

  it("enrolling ends the user's other sessions (signed in with the password alone) and keeps this one", async () => {
    const ivy = await user();
    const session = (ip: string) =>
      t.db.userSession.create({ data: { userId: ivy.id, ip, expiresAt: at(3600) } });
    const here = await session("192.0.2.1");
    const elsewhere = await session("203.0.113.9");
    const setup = await startTwoFactorSetup(ctx(ivy), KEY);
    const result = await confirmTwoFactorSetup(ctx(ivy), totpCode(setup.secret, T0), {
      ...deps(T0),
      currentSessionId: here.id,
    });
    expect(result.endedSessionIds).toEqual([elsewhere.id]);
    expect(await t.db.userSession.findUniqueOrThrow({ where: { id: elsewhere.id } })).toMatchObject({
      revokedReason: "ended",
    });
    expect(await t.db.userSession.findUniqueOrThrow({ where: { id: here.id } })).toMatchObject({
      revokedAt: null,
    });
  });

  it("a code is accepted once: the same code again (replay) is refused, the next period's is accepted", async () => {
    const leo = await user();
    const { secret } = await enrol(leo);
    // The enrolment code's step is used: it cannot sign in a second time.
    expect(await consumeSecondFactor(t.db, await row(leo.id), totpCode(secret, T0), KEY, T0)).toBeNull();
    const next = totpCode(secret, at(30));
    expect(await consumeSecondFactor(t.db, await row(leo.id), next, KEY, at(30))).toBe("totp");
    expect(await consumeSecondFactor(t.db, await row(leo.id), next, KEY, at(31))).toBeNull();
    // Two parallel uses of one fresh code: exactly one passes.
    const fresh = totpCode(secret, at(60));
    const snapshot = await row(leo.id);
    const results = await Promise.all(
      [1, 2, 3].map(() => consumeSecondFactor(t.db, snapshot, fresh, KEY, at(60))),
    );
    expect(results.filter((r) => r === "totp")).toHaveLength(1);
  });

  it("a recovery code works once, in any case and with or without dashes", async () => {
    const ana = await user();
    const { recoveryCodes } = await enrol(ana);
    const [code = ""] = recoveryCodes;
    expect(await consumeSecondFactor(t.db, await row(ana.id), code.toUpperCase(), KEY, at(5))).toBe(
      "recovery",
    );
    expect(await consumeSecondFactor(t.db, await row(ana.id), code, KEY, at(6))).toBeNull();
    expect(await consumeSecondFactor(t.db, await row(ana.id), "aaaa-bbbb-cccc-dddd", KEY, at(7))).toBeNull();
    expect((await getTwoFactorStatus(ctx(ana))).recoveryCodesLeft).toBe(9);
  });

  it("five wrong codes lock code checks for the user: the right code is refused too until the window passes", async () => {
    const bo = await user();
    const { secret } = await enrol(bo);
    const limiter = new TwoFactorLimiter();
    const proof = { code: "000000", password: undefined };
    for (let i = 0; i < 5; i++)
      await expect(regenerateRecoveryCodes(ctx(bo), proof, deps(at(30), limiter))).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    await expect(
      regenerateRecoveryCodes(
        ctx(bo),
        { code: totpCode(secret, at(30)), password: undefined },
        deps(at(30), limiter),
      ),
    ).rejects.toThrow(/^Too many wrong authentication codes\. Two-factor sign-in is locked for 15 min\.$/);
    expect(await audits(bo.id, "auth.2fa_recovery_regenerate", "failure")).toHaveLength(5);
    expect((await audits(bo.id, "auth.2fa_recovery_regenerate", "denied")).length).toBeGreaterThan(0);
  });

  it("regenerating needs a code or the password and replaces the old codes", async () => {
    const cy = await user();
    const { secret, recoveryCodes: old } = await enrol(cy);
    await expect(
      regenerateRecoveryCodes(ctx(cy), { code: undefined, password: "wrong password!" }, deps(at(30))),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { password: ["Wrong password"] },
    });
    const { recoveryCodes } = await regenerateRecoveryCodes(
      ctx(cy),
      { code: totpCode(secret, at(30)), password: undefined },
      deps(at(30)),
    );
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes).not.toContain(old[0]);
    expect(await consumeSecondFactor(t.db, await row(cy.id), old[0] ?? "", KEY, at(40))).toBeNull();
    expect(await consumeSecondFactor(t.db, await row(cy.id), recoveryCodes[0] ?? "", KEY, at(40))).toBe(
      "recovery",
    );
    expect(await audits(cy.id, "auth.2fa_recovery_regenerate", "success")).toHaveLength(1);
    expect(await audits(cy.id, "auth.2fa_recovery_used", "success")).toHaveLength(0); // consumeSecondFactor alone does not audit
  });

  it("disabling needs a proof, clears the secret and the codes, and is refused while a role requires it", async () => {
    const di = await user();
    await enrol(di);
    await expect(
      disableTwoFactor(ctx(di), { code: undefined, password: "not my password" }, deps(at(30))),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await disableTwoFactor(ctx(di), { code: undefined, password: TEST_PASSWORD }, deps(at(30)));
    expect(await row(di.id)).toMatchObject({ totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    expect(await t.db.recoveryCode.count({ where: { userId: di.id } })).toBe(0);
    expect(await audits(di.id, "auth.2fa_disable", "success")).toHaveLength(1);

    const role = await t.db.role.create({
      data: { name: `Strict ${n}`, permissions: '["server.view"]', requireTwoFactor: true },
    });
    const ed = await user("VIEWER", role.id);
    await enrol(ed);
    await expect(
      disableTwoFactor(ctx(ed), { code: undefined, password: TEST_PASSWORD }, deps(at(30))),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await row(ed.id)).totpEnabledAt).not.toBeNull();
  });

  it("2FA required but missing: the actor is pending and every permission is refused with TWO_FACTOR_REQUIRED, until it enrols", async () => {
    await t.db.role.update({ where: { id: "MODERATOR" }, data: { requireTwoFactor: true } });
    try {
      const fay = await user("MODERATOR");
      expect(fay.twoFactorPending).toBe(true);
      await expect(requirePermission(ctx(fay), "server.view", "servers.list")).rejects.toMatchObject({
        code: "TWO_FACTOR_REQUIRED",
      });
      expect(
        await t.db.auditEvent.findFirst({ where: { actorId: fay.id, action: "servers.list" } }),
      ).toMatchObject({
        outcome: "denied",
        detail: "two-factor sign-in required",
      });
      // It may still enrol (its own account), and then the same session continues.
      await enrol(fay);
      const after = await actorFor(t.db, fay.id);
      expect(after.twoFactorPending).toBeUndefined();
      await expect(requirePermission(ctx(after), "server.view", "servers.list")).resolves.toBeUndefined();
    } finally {
      await t.db.role.update({ where: { id: "MODERATOR" }, data: { requireTwoFactor: false } });
    }
    // A per-server role that requires it counts too; an Owner is sent to enrol like anyone.
    const strict = await t.db.role.create({
      data: { name: `Per-server ${n}`, permissions: '["server.view"]', requireTwoFactor: true },
    });
    expect((await user("VIEWER", strict.id)).twoFactorPending).toBe(true);
    await t.db.role.update({ where: { id: "OWNER" }, data: { requireTwoFactor: true } });
    try {
      const owner = await user("OWNER");
      expect(owner.twoFactorPending).toBe(true);
      expect((await startTwoFactorSetup(ctx(owner), KEY)).secret).toMatch(/^[A-Z2-7]{32}$/);
    } finally {
      await t.db.role.update({ where: { id: "OWNER" }, data: { requireTwoFactor: false } });
    }
  });

  it("an Owner resets a member's 2FA (audited); a Moderator or a pending actor cannot", async () => {
    const owner = await user("OWNER");
    const gus = await user("VIEWER");
    await enrol(gus);
    const mod = await user("MODERATOR");
    await expect(resetMemberTwoFactor(ctx(mod), gus.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await row(gus.id)).totpEnabledAt).not.toBeNull();
    expect((await listTeam(ctx(owner))).find((m) => m.id === gus.id)?.twoFactor).toBe(true);
    await resetMemberTwoFactor(ctx(owner), gus.id);
    expect(await row(gus.id)).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect(await t.db.recoveryCode.count({ where: { userId: gus.id } })).toBe(0);
    expect(await audits(gus.id, "auth.2fa_reset", "success")).toHaveLength(1);
    // An Owner cannot reset its own (that is the Account page, with a proof).
    await expect(resetMemberTwoFactor(ctx(owner), owner.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      resetMemberTwoFactor(ctx({ ...owner, twoFactorPending: true }), gus.id),
    ).rejects.toMatchObject({ code: "TWO_FACTOR_REQUIRED" });
  });
});
