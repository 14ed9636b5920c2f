/**
 * PostgreSQL aborts one of two transactions that deadlock or conflict under serializable
 * isolation (Prisma's P2034; SQLSTATE 40P01, 40001). Nothing of it was written, so running it again
 * is safe; a few attempts, because the hub keeps writing the same rows meanwhile (deleting a server
 * cascades into the stays and samples its connection is still writing).
 */
export function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const text = `${typeof code === "string" ? code : ""} ${String(error)}`;
  return /P2034|40P01|40001|deadlock detected|could not serialize/i.test(text);
}

/** Runs `attempt` again after a write conflict, at most `attempts` times in all. */
export async function retryOnWriteConflict<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let left = attempts; ; left--) {
    try {
      return await attempt();
    } catch (error) {
      if (left <= 1 || !isWriteConflict(error)) throw error;
    }
  }
}
