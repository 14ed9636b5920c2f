import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { actorForClaims } from "../auth/session.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import type { DataContext } from "./context.ts";
import {
  createSession,
  isKnownSignInAddress,
  KNOWN_ADDRESS_MS,
  listOwnSessions,
  revokeAllOwnSessions,
  revokeOwnSession,
  SESSION_TOUCH_INTERVAL_MS,
} from "./sessions.ts";
import { loadActor, setUserDisabled, updateMember } from "./users.ts";

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
