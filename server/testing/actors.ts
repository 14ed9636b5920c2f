/**
 * Actors for data-layer tests, made the way the app makes them: first-run setup through the
 * setup form's function, and the Actor a signed-in request would load.
 */
import { randomUUID } from "node:crypto";
import type { Actor } from "../../lib/permissions.ts";
import { completeSetup, loadActor } from "../data/users.ts";
import type { Db } from "../db/client.ts";

/** A password the strength check accepts. */
export const TEST_PASSWORD = "correct horse battery";

/** The Actor a request signed in as user `id` would carry (its stored session version). */
export async function actorFor(db: Db, id: string): Promise<Actor> {
  const user = await db.user.findUniqueOrThrow({ where: { id } });
  const actor = await loadActor(db, id, user.sessionVersion);
  if (!actor) throw new Error("no actor");
  return actor;
}

/** Completes first-run setup with `token`: the Owner Olga (owner@example.com), as an Actor. */
export async function completeOwnerSetup(db: Db, token: string | null): Promise<Actor> {
  const created = await completeSetup(
    db,
    {
      token: token ?? "",
      email: "owner@example.com",
      name: "Olga",
      password: TEST_PASSWORD,
      confirmPassword: TEST_PASSWORD,
    },
    "127.0.0.1",
  );
  return actorFor(db, created.id);
}

/**
 * A stored user of `role`, as the Actor a request would carry: `serverIds` null = every server
 * (stored as allServers), otherwise limited to those servers.
 */
export async function createActor(db: Db, role: Actor["role"], serverIds: string[] | null): Promise<Actor> {
  const row = await db.user.create({
    data: {
      email: `${randomUUID()}@example.com`,
      name: `${role} ${randomUUID().slice(0, 8)}`,
      passwordHash: "x",
      role,
      allServers: serverIds === null,
    },
  });
  return { id: row.id, email: row.email, name: row.name, role, serverIds };
}
