import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, ROLE_PERMISSIONS } from "../../lib/permissions.ts";
import { actorForClaims } from "../auth/session.ts";
import type { Db } from "../db/client.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { ACTOR_USER_SELECT, actorOfUser } from "./actors.ts";
import type { DataContext } from "./context.ts";
import {
  actorOfLiveSession,
  createSession,
  endSession,
  isKnownSignInAddress,
  KNOWN_ADDRESS_MS,
  listOwnSessions,
  revokeAllOwnSessions,
  revokeOwnSession,
  SESSION_TOUCH_INTERVAL_MS,
} from "./sessions.ts";
import { loadActor, setUserDisabled, updateMember } from "./users.ts";
import { createServerRows } from "../testing/servers.ts";

const HOUR = 60 * 60 * 1000;
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

describe.each(DATABASE_KINDS)("sessions on $kind", ({ create }) => {
  let t: TestDatabase;
  let alice: Actor;
  let bob: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const newUser = async (name: string): Promise<Actor> => {
    const user = await t.db.user.create({
      data: { email: `${name}@example.com`, name, passwordHash: "x", role: "VIEWER" },
    });
    const actor = await loadActor(t.db, user.id, user.sessionVersion);
    if (!actor) throw new Error("no actor");
    return actor;
  };

  beforeAll(async () => {
    t = await create();
    alice = await newUser("alice");
    bob = await newUser("bob");
  });
  afterAll(async () => t.drop());

  it("a session opens requests until it is revoked or expires, and only for its own user", async () => {
    const start = new Date("2026-11-29T10:00:00Z");
    const { id } = await createSession(
      t.db,
      { userId: alice.id, userAgent: FIREFOX, ip: "198.51.100.1", maxAgeMs: 12 * HOUR },
      start,
    );
    const { sessionVersion } = await t.db.user.findUniqueOrThrow({ where: { id: alice.id } });
    const claims = { uid: alice.id, sv: sessionVersion, sid: id };
    expect(await actorForClaims(t.db, claims, start)).toMatchObject({ id: alice.id });
    expect(await actorForClaims(t.db, { ...claims, uid: bob.id }, start)).toBeNull();
    expect(await actorForClaims(t.db, { ...claims, sid: "no-such-session" }, start)).toBeNull();
    // A disabled user's session is refused and leaves the list of active sessions.
    await t.db.user.update({ where: { id: alice.id }, data: { disabled: true } });
    expect(await actorForClaims(t.db, claims, start)).toBeNull();
    await t.db.user.update({ where: { id: alice.id }, data: { disabled: false } });
    expect(await actorForClaims(t.db, claims, start)).toBeNull();
    expect(await t.db.userSession.findUniqueOrThrow({ where: { id } })).toMatchObject({
      revokedReason: "ended",
    });
    expect(await actorForClaims(t.db, claims, new Date(start.getTime() + 12 * HOUR))).toBeNull();
    const other = await createSession(
      t.db,
      { userId: alice.id, userAgent: FIREFOX, ip: "198.51.100.1", maxAgeMs: 12 * HOUR },
      start,
    );
    expect(await actorForClaims(t.db, { ...claims, sid: other.id }, start)).toMatchObject({ id: alice.id });
    await revokeOwnSession(ctx(alice), other.id, start);
    expect(await actorForClaims(t.db, { ...claims, sid: other.id }, start)).toBeNull();
  });

  it("marks a session seen at most once a minute, not on every request", async () => {
    const start = new Date("2026-11-29T10:00:00Z");
    const { id } = await createSession(
      t.db,
      { userId: alice.id, userAgent: null, ip: null, maxAgeMs: 12 * HOUR },
      start,
    );
    const seen = async () =>
      (await t.db.userSession.findUniqueOrThrow({ where: { id } })).lastSeenAt.getTime();
    const at = (ms: number) => new Date(start.getTime() + ms);
    const { sessionVersion } = await t.db.user.findUniqueOrThrow({ where: { id: alice.id } });
    const use = (ms: number) => actorForClaims(t.db, { uid: alice.id, sv: sessionVersion, sid: id }, at(ms));
    expect(await use(30_000)).toMatchObject({ id: alice.id });
    expect(await seen()).toBe(start.getTime());
    expect(await use(SESSION_TOUCH_INTERVAL_MS + 1)).toMatchObject({ id: alice.id });
    expect(await seen()).toBe(start.getTime() + SESSION_TOUCH_INTERVAL_MS + 1);
    await Promise.all([1, 2, 3].map((n) => use(SESSION_TOUCH_INTERVAL_MS + 30_000 + n)));
    expect(await seen()).toBe(start.getTime() + SESSION_TOUCH_INTERVAL_MS + 1);
  });

  it("lists only the user's own live sessions, with device, address and the current one marked", async () => {
    const now = new Date();
    await revokeAllOwnSessions(ctx(alice), now);
    const laptop = await createSession(
      t.db,
      { userId: alice.id, userAgent: FIREFOX, ip: "198.51.100.1", maxAgeMs: 12 * HOUR },
      now,
    );
    const phone = await createSession(
      t.db,
      { userId: alice.id, userAgent: SAFARI, ip: "203.0.113.9", maxAgeMs: 12 * HOUR },
      now,
    );
    await createSession(
      t.db,
      { userId: bob.id, userAgent: FIREFOX, ip: "192.0.2.1", maxAgeMs: 12 * HOUR },
      now,
    );
    const listed = await listOwnSessions(ctx(alice), phone.id, now);
    expect(listed.map((s) => [s.id, s.device, s.ip, s.current]).sort()).toEqual(
      [
        [laptop.id, "Firefox on Linux", "198.51.100.1", false],
        [phone.id, "Safari on iOS", "203.0.113.9", true],
      ].sort(),
    );
  });

  it("refuses and audits signing out somebody else's session; signing out everywhere ends every own session only", async () => {
    const now = new Date();
    const bobsVersion = (await t.db.user.findUniqueOrThrow({ where: { id: bob.id } })).sessionVersion;
    const bobIsIn = async (sid: string) =>
      (await actorForClaims(t.db, { uid: bob.id, sv: bobsVersion, sid }, now))?.id === bob.id;
    const bobs = await createSession(
      t.db,
      { userId: bob.id, userAgent: FIREFOX, ip: "192.0.2.1", maxAgeMs: 12 * HOUR },
      now,
    );
    await expect(revokeOwnSession(ctx(alice), bobs.id, now)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await bobIsIn(bobs.id)).toBe(true);
    const denied = await t.db.auditEvent.findFirst({
      where: { action: "account.session_revoke", outcome: "denied", actorId: alice.id, targetId: bobs.id },
    });
    expect(denied?.detail).toBe("session of another user");

    const audited = () =>
      t.db.auditEvent.count({
        where: { action: "account.sign_out_everywhere", actorId: alice.id, outcome: "success" },
      });
    const before = await audited();
    await createSession(
      t.db,
      { userId: alice.id, userAgent: FIREFOX, ip: "198.51.100.1", maxAgeMs: 12 * HOUR },
      now,
    );
    expect(await revokeAllOwnSessions(ctx(alice), now)).toBeGreaterThan(0);
    expect(await listOwnSessions(ctx(alice), null, now)).toEqual([]);
    expect(await bobIsIn(bobs.id)).toBe(true);
    const rows = await t.db.userSession.findMany({
      where: { userId: alice.id, revokedReason: "sign-out-everywhere" },
    });
    expect(rows.length).toBeGreaterThan(0);
    expect(await audited()).toBe(before + 1);
  });

  it("an address is known for an account for a while after a successful sign-in from it", async () => {
    const start = new Date("2026-10-01T00:00:00Z");
    await createSession(
      t.db,
      { userId: bob.id, userAgent: null, ip: "198.51.100.200", maxAgeMs: HOUR },
      start,
    );
    expect(await isKnownSignInAddress(t.db, bob.id, "198.51.100.200", start)).toBe(true);
    expect(await isKnownSignInAddress(t.db, alice.id, "198.51.100.200", start)).toBe(false);
    expect(await isKnownSignInAddress(t.db, bob.id, "198.51.100.201", start)).toBe(false);
    expect(
      await isKnownSignInAddress(
        t.db,
        bob.id,
        "198.51.100.200",
        new Date(start.getTime() + KNOWN_ADDRESS_MS + 1),
      ),
    ).toBe(false);
  });

  it("disabling a member or changing their role ends their session rows at once", async () => {
    const owner = await t.db.user.create({
      data: { email: "owner-s@example.com", name: "o", passwordHash: "x", role: "OWNER", allServers: true },
    });
    const ownerActor = await loadActor(t.db, owner.id, owner.sessionVersion);
    if (!ownerActor) throw new Error("no actor");
    const carol = await newUser("carol");
    const live = async () => t.db.userSession.count({ where: { userId: carol.id, revokedAt: null } });
    await createSession(t.db, {
      userId: carol.id,
      userAgent: FIREFOX,
      ip: "198.51.100.9",
      maxAgeMs: 12 * HOUR,
    });
    await updateMember(ctx(ownerActor), {
      userId: carol.id,
      role: "MODERATOR",
      allServers: true,
      serverIds: [],
    });
    expect(await live()).toBe(0);
    await createSession(t.db, {
      userId: carol.id,
      userAgent: FIREFOX,
      ip: "198.51.100.9",
      maxAgeMs: 12 * HOUR,
    });
    await setUserDisabled(ctx(ownerActor), carol.id, true);
    expect(await live()).toBe(0);
  });
});

type Claims = Parameters<typeof actorOfLiveSession>[1];

/** The nested Prisma select actorOfLiveSession used before its raw query, without the writes. */
async function referenceActor(db: Db, claims: Claims, now: Date): Promise<Actor | null> {
  const row = await db.userSession.findUnique({
    where: { id: claims.sessionId },
    select: { userId: true, revokedAt: true, expiresAt: true, user: { select: ACTOR_USER_SELECT } },
  });
  if (!row || row.userId !== claims.userId || row.revokedAt !== null || row.expiresAt <= now) return null;
  return actorOfUser(row.user, claims.sessionVersion);
}

/** The nested select's access rows come in no set order (PostgreSQL: insertion order). */
function sortedServerIds(actor: Actor | null): Actor | null {
  return actor && { ...actor, serverIds: actor.serverIds && [...actor.serverIds].sort() };
}

describe.each(DATABASE_KINDS)("actorOfLiveSession on $kind", ({ create }) => {
  const start = new Date("2026-12-01T10:00:00Z");
  const at = (ms: number) => new Date(start.getTime() + ms);
  let t: TestDatabase;
  let support: { id: string };
  let helper: { id: string };

  const newUser = (
    name: string,
    data: { role: string; allServers?: boolean; totpEnabledAt?: Date; access?: [string, string | null][] },
  ) =>
    t.db.user.create({
      data: {
        email: `${name}@example.com`,
        name,
        passwordHash: "x",
        role: data.role,
        allServers: data.allServers ?? false,
        totpEnabledAt: data.totpEnabledAt ?? null,
        serverAccess: { create: (data.access ?? []).map(([serverId, roleId]) => ({ serverId, roleId })) },
      },
    });
  const signIn = async (user: { id: string; sessionVersion: number }): Promise<Claims> => {
    const { id } = await createSession(
      t.db,
      { userId: user.id, userAgent: null, ip: null, maxAgeMs: 12 * HOUR },
      start,
    );
    return { sessionId: id, userId: user.id, sessionVersion: user.sessionVersion };
  };
  const sessionRow = (claims: Claims) =>
    t.db.userSession.findUniqueOrThrow({ where: { id: claims.sessionId } });

  beforeAll(async () => {
    t = await create();
    await createServerRows(t.db, ["srv-a", "srv-b", "srv-c"]);
    support = await t.db.role.create({
      data: {
        name: "Support",
        permissions: '["console.read","players.kick","no.such"]',
        requireTwoFactor: true,
      },
    });
    helper = await t.db.role.create({ data: { name: "Helper", permissions: '["players.view"]' } });
  });
  afterAll(async () => t.drop());

  it("builds the actor: main role, servers, per-server roles, two-factor pending until enrolled", async () => {
    // Access rows created out of server order: serverIds come ordered anyway.
    const dana = await newUser("dana", {
      role: "MODERATOR",
      access: [
        ["srv-b", support.id],
        ["srv-a", null],
      ],
    });
    const claims = await signIn(dana);
    expect(await actorOfLiveSession(t.db, claims, at(1000))).toEqual({
      id: dana.id,
      email: "dana@example.com",
      name: "dana",
      role: "MODERATOR",
      serverIds: ["srv-a", "srv-b"],
      mainRole: { id: "MODERATOR", name: "Moderator", permissions: ROLE_PERMISSIONS.MODERATOR },
      serverRoles: {
        "srv-b": { id: support.id, name: "Support", permissions: ["console.read", "players.kick"] },
      },
      twoFactorPending: true,
    });
    await t.db.user.update({ where: { id: dana.id }, data: { totpEnabledAt: start } });
    const enrolled = await actorOfLiveSession(t.db, claims, at(2000));
    expect(enrolled).toMatchObject({ id: dana.id, serverIds: ["srv-a", "srv-b"] });
    expect(enrolled).not.toHaveProperty("twoFactorPending");

    // A main role requiring two factors; no per-server role leaves serverRoles out.
    const erin = await newUser("erin", { role: support.id, access: [["srv-c", null]] });
    expect(await actorOfLiveSession(t.db, await signIn(erin), at(1000))).toEqual({
      id: erin.id,
      email: "erin@example.com",
      name: "erin",
      role: support.id,
      serverIds: ["srv-c"],
      mainRole: { id: support.id, name: "Support", permissions: ["console.read", "players.kick"] },
      twoFactorPending: true,
    });
  });

  it("every server for owners and all-servers users; none for a limited user without access rows", async () => {
    const owner = await newUser("owner", { role: "OWNER" });
    const admin = await newUser("admin", { role: "ADMIN", allServers: true, access: [["srv-a", helper.id]] });
    const viewer = await newUser("viewer", { role: "VIEWER" });
    const actor = async (user: { id: string; sessionVersion: number }) =>
      actorOfLiveSession(t.db, await signIn(user), at(1000));
    expect(await actor(owner)).toMatchObject({ id: owner.id, role: "OWNER", serverIds: null });
    expect(await actor(admin)).toMatchObject({
      id: admin.id,
      serverIds: null,
      serverRoles: { "srv-a": { id: helper.id, name: "Helper", permissions: ["players.view"] } },
    });
    const limited = await actor(viewer);
    expect(limited).toMatchObject({ id: viewer.id, serverIds: [] });
    expect(limited).not.toHaveProperty("serverRoles");
    expect(limited).not.toHaveProperty("twoFactorPending");
  });

  it("refuses a missing session, another user's, a revoked one and an expired one, without ending them", async () => {
    const fred = await newUser("fred", { role: "VIEWER" });
    const gina = await newUser("gina", { role: "VIEWER" });
    const claims = await signIn(fred);
    expect(await actorOfLiveSession(t.db, { ...claims, sessionId: "no-such-session" }, at(1000))).toBeNull();
    expect(await actorOfLiveSession(t.db, { ...claims, userId: gina.id }, at(1000))).toBeNull();
    expect(await actorOfLiveSession(t.db, claims, at(12 * HOUR - 1))).toMatchObject({ id: fred.id });
    expect(await actorOfLiveSession(t.db, claims, at(12 * HOUR))).toBeNull();
    expect((await sessionRow(claims)).revokedAt).toBeNull();

    await endSession(t.db, claims.sessionId, fred.id, "sign-out", at(2000));
    expect(await actorOfLiveSession(t.db, claims, at(3000))).toBeNull();
    expect(await sessionRow(claims)).toMatchObject({ revokedAt: at(2000), revokedReason: "sign-out" });
  });

  it("ends the session of a disabled user or of a moved session version", async () => {
    const hank = await newUser("hank", { role: "MODERATOR", access: [["srv-a", null]] });
    const disabled = await signIn(hank);
    await t.db.user.update({ where: { id: hank.id }, data: { disabled: true } });
    expect(await actorOfLiveSession(t.db, disabled, at(1000))).toBeNull();
    expect(await sessionRow(disabled)).toMatchObject({ revokedAt: at(1000), revokedReason: "ended" });
    await t.db.user.update({ where: { id: hank.id }, data: { disabled: false } });
    expect(await actorOfLiveSession(t.db, disabled, at(2000))).toBeNull();

    const moved = await signIn(hank);
    const bumped = await t.db.user.update({
      where: { id: hank.id },
      data: { sessionVersion: { increment: 1 } },
    });
    expect(await actorOfLiveSession(t.db, moved, at(3000))).toBeNull();
    expect(await sessionRow(moved)).toMatchObject({ revokedAt: at(3000), revokedReason: "ended" });
    expect(
      await actorOfLiveSession(t.db, { ...moved, sessionVersion: bumped.sessionVersion }, at(4000)),
    ).toBeNull();
    expect(await actorOfLiveSession(t.db, await signIn(bumped), at(4000))).toMatchObject({ id: hank.id });
  });

  it("moves lastSeenAt only once it is older than the touch interval", async () => {
    const ivan = await newUser("ivan", { role: "VIEWER" });
    const claims = await signIn(ivan);
    const seen = async () => (await sessionRow(claims)).lastSeenAt.getTime();
    expect(await actorOfLiveSession(t.db, claims, at(SESSION_TOUCH_INTERVAL_MS))).not.toBeNull();
    expect(await seen()).toBe(start.getTime());
    expect(await actorOfLiveSession(t.db, claims, at(SESSION_TOUCH_INTERVAL_MS + 1))).not.toBeNull();
    expect(await seen()).toBe(at(SESSION_TOUCH_INTERVAL_MS + 1).getTime());
    expect(await actorOfLiveSession(t.db, claims, at(2 * SESSION_TOUCH_INTERVAL_MS))).not.toBeNull();
    expect(await seen()).toBe(at(SESSION_TOUCH_INTERVAL_MS + 1).getTime());
  });

  it("gives what the nested Prisma select gave", async () => {
    const users = [
      await newUser("jack", {
        role: "MODERATOR",
        totpEnabledAt: start,
        access: [
          ["srv-c", helper.id],
          ["srv-a", support.id],
          ["srv-b", null],
        ],
      }),
      await newUser("kate", { role: "ADMIN", access: [["srv-b", helper.id]] }),
      await newUser("liam", { role: support.id, allServers: true }),
      await newUser("mona", { role: "OWNER", access: [["srv-a", null]] }),
      await newUser("nick", { role: "VIEWER" }),
    ];
    const cases: [Claims, Date][] = [];
    for (const user of users) {
      const claims = await signIn(user);
      cases.push(
        [claims, at(1000)],
        [claims, at(12 * HOUR)],
        [{ ...claims, userId: users[0]!.id === user.id ? users[1]!.id : users[0]!.id }, at(1000)],
      );
    }
    const olga = await newUser("olga", { role: "ADMIN", access: [["srv-a", helper.id]] });
    const disabled = await signIn(olga);
    await t.db.user.update({ where: { id: olga.id }, data: { disabled: true } });
    cases.push([disabled, at(1000)]);
    const moved = await signIn(users[0]!);
    cases.push([{ ...moved, sessionVersion: moved.sessionVersion + 1 }, at(1000)]);

    let actors = 0;
    for (const [claims, now] of cases) {
      const expected = sortedServerIds(await referenceActor(t.db, claims, now));
      const actual = await actorOfLiveSession(t.db, claims, now);
      expect(actual).toStrictEqual(expected);
      if (actual) actors++;
    }
    expect(actors).toBe(users.length);
  });
});
