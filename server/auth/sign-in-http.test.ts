/**
 * Sign-in limits and the session endpoint over real HTTP: next-auth's own handler (credentials
 * callback, /api/auth/session, sign-out) on loopback, on SQLite and PostgreSQL.
 */
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../env.ts";
import { setRuntime } from "../runtime.ts";
import { hashPassword } from "./passwords.ts";
import { HttpBudget } from "./http-budget.ts";
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from "./login-limiter.ts";
import { getAuthOptions } from "./options.ts";
import { TwoFactorLimiter } from "./two-factor-limiter.ts";
import { actorFromCookieHeader } from "./session.ts";
import { AuthBrowser, startAuthHttpServer, type AuthHttpServer } from "../testing/auth-http.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";

const SECRET = "h".repeat(48);
const PASSWORD = "correct horse battery";
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const WRONG = "Wrong email or password.";
const LIMITED = /^Too many failed sign-in attempts\. Try again in \d+ s\.$/;

describe.each(DATABASE_KINDS)("sign-in over HTTP on $kind", ({ create }) => {
  let t: TestDatabase;
  let direct: AuthHttpServer;
  let proxied: AuthHttpServer;
  const ended: string[] = [];

  const useRuntime = (baseUrl: string) => {
    process.env.NEXTAUTH_URL = baseUrl;
    setRuntime({
      env: { publicUrl: baseUrl } as Env,
      db: t.db,
      secrets: { authSecret: SECRET, encryptionKey: Buffer.alloc(32) },
      loginLimiter: new LoginLimiter(DEFAULT_LOGIN_LIMITS),
      twoFactorLimiter: new TwoFactorLimiter(),
      httpBudget: new HttpBudget(),
      logger: silent,
      endUserSessions() {},
      endSessionSockets: (sessionId) => ended.push(sessionId),
    });
  };
  const addUser = async (email: string) =>
    (
      await t.db.user.create({
        data: {
          email,
          name: email.split("@")[0] ?? "x",
          passwordHash: await hashPassword(PASSWORD),
          role: "ADMIN",
        },
      })
    ).id;
  // Identical denied events are folded into one row with a count: count the events, not the rows.
  const audits = async (email: string, outcome: string) =>
    (
      await t.db.auditEvent.aggregate({
        where: { action: "auth.login", actorEmail: email, outcome },
        _sum: { repeats: true },
      })
    )._sum.repeats ?? 0;

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

  it("twenty parallel wrong passwords for one account: only five are checked, the rest are refused unchecked", async () => {
    await addUser("race@example.com");
    const browsers = Array.from({ length: 20 }, () => new AuthBrowser(direct.url));
    const errors = await Promise.all(
      browsers.map((b, i) => b.signIn("race@example.com", `wrong-guess-${i}`)),
    );
    expect(errors.filter((e) => e === WRONG)).toHaveLength(5);
    expect(errors.filter((e) => e !== null && LIMITED.test(e))).toHaveLength(15);
    expect(await audits("race@example.com", "failure")).toBe(5);
    expect(await audits("race@example.com", "denied")).toBe(15);
    // The right password is refused too while the account is limited at this address.
    expect(await new AuthBrowser(direct.url).signIn("race@example.com", PASSWORD)).toMatch(LIMITED);
  });

  it("behind a trusted proxy the address is the hop the proxy appended: rotating the first hop does not escape the limit", async () => {
    useRuntime(proxied.url);
    const errors: (string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const browser = new AuthBrowser(proxied.url, { "x-forwarded-for": `10.${i}.${i}.${i}, 203.0.113.5` });
      errors.push(await browser.signIn(`nobody-${i}@example.com`, "wrong-guess"));
    }
    expect(errors.slice(0, 25).every((e) => e === WRONG)).toBe(true);
    expect(errors.slice(25).every((e) => e !== null && LIMITED.test(e))).toBe(true);
    const sources = await t.db.auditEvent.findMany({
      where: { action: "auth.login", actorEmail: { startsWith: "nobody-" } },
      select: { sourceIp: true },
      distinct: ["sourceIp"],
    });
    expect(sources.map((s) => s.sourceIp)).toEqual(["203.0.113.5"]);
  });

  it("an attacker elsewhere cannot lock the Owner out of the address they usually sign in from", async () => {
    useRuntime(proxied.url);
    await addUser("boss@example.com");
    const owner = new AuthBrowser(proxied.url, { "x-forwarded-for": "198.51.100.10" });
    expect(await owner.signIn("boss@example.com", PASSWORD)).toBeNull();
    // One attacking address, then many (a botnet): more failures than every limit allows.
    for (let i = 0; i < 8; i++)
      await new AuthBrowser(proxied.url, { "x-forwarded-for": "203.0.113.66" }).signIn(
        "boss@example.com",
        `guess-${i}`,
      );
    for (let i = 0; i < 12; i++)
      await new AuthBrowser(proxied.url, { "x-forwarded-for": `192.0.2.${i + 1}` }).signIn(
        "boss@example.com",
        `guess-${i}`,
      );
    // The account is limited for unfamiliar addresses...
    expect(
      await new AuthBrowser(proxied.url, { "x-forwarded-for": "192.0.2.200" }).signIn(
        "boss@example.com",
        PASSWORD,
      ),
    ).toMatch(LIMITED);
    // ...but the Owner still signs in from their usual address.
    expect(
      await new AuthBrowser(proxied.url, { "x-forwarded-for": "198.51.100.10" }).signIn(
        "boss@example.com",
        PASSWORD,
      ),
    ).toBeNull();
  });

  it("failures behind one shared address do not lock out members who signed in from it before", async () => {
    useRuntime(proxied.url);
    await addUser("member@example.com");
    await addUser("newcomer@example.com");
    const office = { "x-forwarded-for": "192.0.2.77" };
    expect(await new AuthBrowser(proxied.url, office).signIn("member@example.com", PASSWORD)).toBeNull();
    for (let i = 0; i < 26; i++)
      await new AuthBrowser(proxied.url, office).signIn(`spray-${i}@example.com`, "wrong-guess");
    expect(await new AuthBrowser(proxied.url, office).signIn("member@example.com", PASSWORD)).toBeNull();
    expect(await new AuthBrowser(proxied.url, office).signIn("newcomer@example.com", PASSWORD)).toMatch(
      LIMITED,
    );
  });

  it("signing out ends the session on the server: the copied cookie opens nothing and /api/auth/session returns no user", async () => {
    const userId = await addUser("leaver@example.com");
    const browser = new AuthBrowser(direct.url, {
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    });
    expect(await browser.signIn("leaver@example.com", PASSWORD)).toBeNull();
    const stolen = browser.sessionCookie();
    expect(await browser.session()).toMatchObject({ user: { email: "leaver@example.com" } });
    expect(await actorFromCookieHeader(t.db, SECRET, stolen)).toMatchObject({ id: userId });
    const row = await t.db.userSession.findFirstOrThrow({ where: { userId } });
    expect(row).toMatchObject({
      ip: "127.0.0.1",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
      revokedAt: null,
    });

    await browser.signOut();
    expect(await t.db.userSession.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      revokedReason: "sign-out",
    });
    expect(ended).toContain(row.id);
    expect(await actorFromCookieHeader(t.db, SECRET, stolen)).toBeNull();
    const replay = new AuthBrowser(direct.url, { cookie: stolen });
    expect(await replay.session()).toEqual({});
  });

  it("/api/auth/session returns no user for a disabled user, a stale session version, a revoked session or a cookie without a session id", async () => {
    const userId = await addUser("various@example.com");
    const signedIn = async () => {
      const b = new AuthBrowser(direct.url);
      expect(await b.signIn("various@example.com", PASSWORD)).toBeNull();
      expect(await b.session()).toMatchObject({ user: { email: "various@example.com" } });
      return b;
    };
    const disabled = await signedIn();
    await t.db.user.update({ where: { id: userId }, data: { disabled: true } });
    expect(await disabled.session()).toEqual({});
    await t.db.user.update({ where: { id: userId }, data: { disabled: false } });

    const stale = await signedIn();
    await t.db.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
    expect(await stale.session()).toEqual({});

    const revoked = await signedIn();
    await t.db.userSession.updateMany({
      where: { userId },
      data: { revokedAt: new Date(), revokedReason: "revoked" },
    });
    expect(await revoked.session()).toEqual({});

    const user = await t.db.user.findUniqueOrThrow({ where: { id: userId } });
    const legacy = await encode({
      token: { uid: userId, sv: user.sessionVersion, email: user.email },
      secret: SECRET,
    });
    expect(
      await new AuthBrowser(direct.url, { cookie: `next-auth.session-token=${legacy}` }).session(),
    ).toEqual({});
    expect(await actorFromCookieHeader(t.db, SECRET, `next-auth.session-token=${legacy}`)).toBeNull();
  });
});
