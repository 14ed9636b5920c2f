/**
 * How a user row becomes the Actor that every permission check reads. Loaded at every request and
 * socket event (through the session, or directly for API tokens and automation), so it selects only
 * what the actor needs: never the password hash or the TOTP secret, and few columns for Prisma to map.
 */
import type { Actor, ActorRole } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { toActorRole } from "./roles.ts";

const ROLE_SELECT = { id: true, name: true, permissions: true, requireTwoFactor: true } as const;

/** The user columns and relations an actor is built from (a `select` for User, or nested under a relation). */
export const ACTOR_USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabled: true,
  allServers: true,
  sessionVersion: true,
  totpEnabledAt: true,
  roleRef: { select: ROLE_SELECT },
  serverAccess: { select: { serverId: true, role: { select: ROLE_SELECT } } },
} as const;

type ActorUserRow = NonNullable<Awaited<ReturnType<typeof findActorUser>>>;

function findActorUser(db: Db, userId: string) {
  return db.user.findUnique({ where: { id: userId }, select: ACTOR_USER_SELECT });
}

/**
 * The actor of a user row; null for a disabled user, or when `sessionVersion` is given and the
 * user's has moved on (role, access or password changed since the session began).
 */
export function actorOfUser(user: ActorUserRow, sessionVersion: number | null): Actor | null {
  if (user.disabled) return null;
  if (sessionVersion !== null && user.sessionVersion !== sessionVersion) return null;
  // A role requires a second factor the user has not enrolled: every permission is refused until then
  // (sign-in itself demands the code once enrolled, so an enrolled user's session has passed it).
  const twoFactorPending =
    user.totpEnabledAt === null &&
    (user.roleRef.requireTwoFactor || user.serverAccess.some((a) => a.role?.requireTwoFactor === true));
  const serverRoles: Record<string, ActorRole> = {};
  for (const access of user.serverAccess)
    if (access.role) serverRoles[access.serverId] = toActorRole(access.role);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    // Only the stored flag means "every server": a limited user whose servers were deleted has none.
    serverIds: user.role === "OWNER" || user.allServers ? null : user.serverAccess.map((a) => a.serverId),
    mainRole: toActorRole(user.roleRef),
    ...(Object.keys(serverRoles).length > 0 ? { serverRoles } : {}),
    ...(twoFactorPending ? { twoFactorPending } : {}),
  };
}

/** The actor of a user by id (see `actorOfUser`); null for a missing user too. */
export async function loadUserActor(
  db: Db,
  userId: string,
  sessionVersion: number | null,
): Promise<Actor | null> {
  const user = await findActorUser(db, userId);
  return user ? actorOfUser(user, sessionVersion) : null;
}
