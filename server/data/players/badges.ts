/**
 * What the live player table shows of a record (lib/realtime/contract.ts PlayerRecordBadge): notes
 * and warnings counted, and the watch reason. System read for the hub (no actor): the badge holds
 * no identity and every role that sees the list may see it.
 */
import type { PlayerRecordBadge } from "../../../lib/realtime/contract.ts";
import type { Db } from "../../db/client.ts";
import type { Tx } from "./sql.ts";

/** Badges of these players (three grouped queries, whatever their number); absent ids are left out. */
export async function badgesFor(
  db: Db | Tx,
  playerIds: readonly string[],
): Promise<Map<string, PlayerRecordBadge>> {
  const out = new Map<string, PlayerRecordBadge>();
  const ids = [...new Set(playerIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [players, notes, warnings] = await Promise.all([
      db.player.findMany({ where: { id: { in: chunk } }, select: { id: true, watchReason: true } }),
      db.playerNote.groupBy({ by: ["playerId"], where: { playerId: { in: chunk } }, _count: { _all: true } }),
      db.playerSanction.groupBy({
        by: ["playerId"],
        where: { playerId: { in: chunk }, kind: "warning" },
        _count: { _all: true },
      }),
    ]);
    const noteCount = new Map(notes.map((n) => [n.playerId, n._count._all]));
    const warningCount = new Map(warnings.map((w) => [w.playerId, w._count._all]));
    for (const p of players) {
      out.set(p.id, {
        playerId: p.id,
        notes: noteCount.get(p.id) ?? 0,
        warnings: warningCount.get(p.id) ?? 0,
        watch: p.watchReason,
      });
    }
  }
  return out;
}
