/**
 * What the live player table shows of a record (lib/realtime/contract.ts PlayerRecordBadge): notes
 * and warnings counted, and the watch reason. System read for the hub (no actor): the badge holds
 * no identity and every role that sees the list may see it.
 */
import type { PlayerRecordBadge } from "../../../lib/realtime/contract.ts";
import type { Db } from "../../db/client.ts";
import type { Tx } from "./sql.ts";

/**
 * Badges of these players (one query per 500, the counts as subqueries of it); absent ids are left
 * out. One Prisma operation, not three: the hub asks for badges with every link, about 20 times a
 * second at 1,000 bench servers, and each operation costs far more than its rows.
 */
export async function badgesFor(
  db: Db | Tx,
  playerIds: readonly string[],
): Promise<Map<string, PlayerRecordBadge>> {
  const out = new Map<string, PlayerRecordBadge>();
  const ids = [...new Set(playerIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const players = await db.player.findMany({
      where: { id: { in: ids.slice(i, i + 500) } },
      select: {
        id: true,
        watchReason: true,
        _count: { select: { notes: true, sanctions: { where: { kind: "warning" } } } },
      },
    });
    for (const p of players) {
      out.set(p.id, {
        playerId: p.id,
        notes: p._count.notes,
        warnings: p._count.sanctions,
        watch: p.watchReason,
      });
    }
  }
  return out;
}
