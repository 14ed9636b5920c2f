/**
 * Filters for "the servers a limited actor may see" that stay bounded however many servers it has.
 * A short list is an IN list (the cheapest plan); past `max` ids the same set is read from the
 * actor's stored ServerAccess rows by a join (where the list came from: users.ts loads the actor's
 * serverIds from them), so no statement carries thousands of parameters (chunks.ts).
 */
import { limitedServerIds, type Actor } from "../../lib/permissions.ts";
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import { ID_CHUNK } from "./chunks.ts";

/** Where-clause on a row with `serverId` and a `server` relation; null = no limit (every server). */
export function serverIdScope(
  actor: Actor,
  max = ID_CHUNK,
): { serverId: { in: string[] } } | { server: { access: { some: { userId: string } } } } | null {
  const limit = limitedServerIds(actor);
  if (limit === null) return null;
  return limit.length <= max
    ? { serverId: { in: [...limit] } }
    : { server: { access: { some: { userId: actor.id } } } };
}

/** The same on the Server model itself. */
export function serverRowScope(
  actor: Actor,
  max = ID_CHUNK,
): { id: { in: string[] } } | { access: { some: { userId: string } } } | null {
  const limit = limitedServerIds(actor);
  if (limit === null) return null;
  return limit.length <= max ? { id: { in: [...limit] } } : { access: { some: { userId: actor.id } } };
}

/** Raw SQL: `<column> IN (...)` for a limited actor (the caller handles null = every server). */
export function serverIdInSql(
  actor: Actor,
  column: Prisma.Sql,
  limit: readonly string[],
  max = ID_CHUNK,
): Prisma.Sql {
  if (limit.length === 0) return Prisma.sql`1 = 0`;
  if (limit.length <= max) return Prisma.sql`${column} IN (${Prisma.join([...limit])})`;
  return Prisma.sql`${column} IN (SELECT a."serverId" FROM "ServerAccess" a WHERE a."userId" = ${actor.id})`;
}
