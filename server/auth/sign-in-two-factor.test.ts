/**
 * Signing in with two-factor sign-in over real HTTP (next-auth's credentials callback on loopback),
 * on SQLite and PostgreSQL: no session without the code, wrong codes refused, counted and locked,
 * recovery codes single-use, and users without 2FA unchanged.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TWO_FACTOR_PROMPT } from "../../lib/schemas/two-factor.ts";
import type { Env } from "../env.ts";
import { setRuntime } from "../runtime.ts";
import { encryptSecret } from "../security/crypto.ts";
import { AuthBrowser, startAuthHttpServer, type AuthHttpServer } from "../testing/auth-http.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { HttpBudget } from "./http-budget.ts";
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from "./login-limiter.ts";
import { getAuthOptions } from "./options.ts";
import { hashPassword } from "./passwords.ts";
import { hashRecoveryCode, newTotpSecret, totpCode } from "./totp.ts";
import { TwoFactorLimiter } from "./two-factor-limiter.ts";

const SECRET = "k".repeat(48);
const KEY = Buffer.alloc(32, 7);
const PASSWORD = "correct horse battery";
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const RECOVERY = ["abcd-efgh-jkmn-pqrs", "stuv-wxyz-2345-6789"];

describe.each(DATABASE_KINDS)("two-factor sign-in over HTTP on $kind", ({ create }) => {
  let t: TestDatabase;
  let direct: AuthHttpServer;
  let proxied: AuthHttpServer;

  const useRuntime = (baseUrl: string) => {
    process.env.NEXTAUTH_URL = baseUrl;
    setRuntime({
      env: { publicUrl: baseUrl } as Env,
      db: t.db,
      secrets: { authSecret: SECRET, encryptionKey: KEY },
      loginLimiter: new LoginLimiter(DEFAULT_LOGIN_LIMITS),
      twoFactorLimiter: new TwoFactorLimiter(),
      httpBudget: new HttpBudget(),
      logger: silent,
      endUserSessions() {},
      endSessionSockets() {},
    });
  };
  /** A user enrolled in 2FA (as confirmed enrolment leaves it); returns its TOTP secret. */
  const enrolledUser = async (email: string) => {
    const secret = newTotpSecret();
    const user = await t.db.user.create({
      data: {
        email,
        name: email.split("@")[0] ?? "x",
        passwordHash: await hashPassword(PASSWORD),
        role: "ADMIN",
        totpSecret: encryptSecret(secret, KEY),
        totpEnabledAt: new Date(),
        recoveryCodes: { create: RECOVERY.map((c) => ({ codeHash: hashRecoveryCode(c) })) },
      },
    });
    return { id: user.id, secret };
  };
  const sessions = (userId: string) => t.db.userSession.count({ where: { userId } });
  const loginAudits = (email: string, outcome: string) =>
    t.db.auditEvent.findMany({
      where: { action: "auth.login", actorEmail: email, outcome },
      select: { detail: true, repeats: true },
    });

  beforeAll(async () => {
    t = await create();
    direct = await startAuthHttpServer({ trustProxy: false, authOptions: getAuthOptions });
    proxied = await startAuthHttpServer({ trustProxy: true, authOptions: getAuthOptions });
  });
  beforeEach(() => useRuntime(direct.url));
  afterEach(() => setRuntime(undefined));
  afterAll(async () => {
    await direct.close();
    await proxied.close();
    await t.drop();
  });

  it("the right password without a code gets the code prompt and no session; with the right code, a session; the same code again is refused", async () => {
    const { id, secret } = await enrolledUser("kim@example.com");
    const browser = new AuthBrowser(direct.url);
    expect(await browser.signIn("kim@example.com", PASSWORD)).toBe(TWO_FACTOR_PROMPT);
    expect(await browser.session()).toEqual({});
    expect(await sessions(id)).toBe(0);
    // A wrong password is told apart from nothing: no prompt.
    expect(await new AuthBrowser(direct.url).signIn("kim@example.com", "wrong password", "123456")).toBe(
      "Wrong email or password.",
    );

    const code = totpCode(secret, new Date());
    expect(await browser.signIn("kim@example.com", PASSWORD, code)).toBeNull();
    expect(await browser.session()).toMatchObject({ user: { email: "kim@example.com" } });
    expect(await sessions(id)).toBe(1);
    // Replay: someone who saw the code (and knows the password) cannot use it again.
    expect(await new AuthBrowser(direct.url).signIn("kim@example.com", PASSWORD, code)).toBe(
      "Wrong or already used authentication code.",
    );
    expect(await sessions(id)).toBe(1);
    const success = await t.db.auditEvent.findFirst({
      where: { action: "auth.login", targetId: id, outcome: "success" },
    });
    expect(success?.input).toContain('"twoFactor":true');
  });

  it("wrong codes are refused and audited; five of them lock code checks for the account, whatever the address, right code included", async () => {
    useRuntime(proxied.url);
    const { id, secret } = await enrolledUser("lou@example.com");
    const from = (i: number) => new AuthBrowser(proxied.url, { "x-forwarded-for": `198.51.100.${i + 1}` });
    for (let i = 0; i < 5; i++)
      expect(await from(i).signIn("lou@example.com", PASSWORD, "000000")).toBe(
        "Wrong or already used authentication code.",
      );
    const locked = await from(9).signIn("lou@example.com", PASSWORD, totpCode(secret, new Date()));
    expect(locked).toMatch(
      /^Too many wrong authentication codes\. Two-factor sign-in is locked for \d+ min\.$/,
    );
    expect(await sessions(id)).toBe(0);
    const failures = await loginAudits("lou@example.com", "failure");
    expect(failures.reduce((sum, a) => sum + a.repeats, 0)).toBe(5);
    expect(failures.every((a) => a.detail === "wrong two-factor code")).toBe(true);
    expect(
      (await loginAudits("lou@example.com", "denied")).some(
        (a) => a.detail === "rate limited (two-factor codes)",
      ),
    ).toBe(true);
  });

  it("wrong codes count against the login limiter too: from one address, the sixth attempt is refused before any check", async () => {
    await enrolledUser("max@example.com");
    for (let i = 0; i < 5; i++)
      await new AuthBrowser(direct.url).signIn("max@example.com", PASSWORD, "999999");
    expect(await new AuthBrowser(direct.url).signIn("max@example.com", PASSWORD, "999999")).toMatch(
      /^Too many failed sign-in attempts/,
    );
  });

  it("a recovery code signs in once (audited), then never again", async () => {
    const { id } = await enrolledUser("ned@example.com");
    expect(await new AuthBrowser(direct.url).signIn("ned@example.com", PASSWORD, RECOVERY[0])).toBeNull();
    expect(await t.db.recoveryCode.count({ where: { userId: id, usedAt: { not: null } } })).toBe(1);
    expect(await new AuthBrowser(direct.url).signIn("ned@example.com", PASSWORD, RECOVERY[0])).toBe(
      "Wrong or already used authentication code.",
    );
    const used = await t.db.auditEvent.findMany({
      where: { action: "auth.2fa_recovery_used", targetId: id },
    });
    expect(used).toHaveLength(1);
    expect(used[0]?.input).not.toContain(RECOVERY[0]);
    expect(await sessions(id)).toBe(1);
  });

  it("a user without 2FA signs in with the password alone, as before", async () => {
    const user = await t.db.user.create({
      data: {
        email: "ola@example.com",
        name: "Ola",
        passwordHash: await hashPassword(PASSWORD),
        role: "VIEWER",
      },
    });
    expect(await new AuthBrowser(direct.url).signIn("ola@example.com", PASSWORD)).toBeNull();
    expect(await sessions(user.id)).toBe(1);
  });
});
