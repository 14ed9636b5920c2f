/**
 * Live-server history: console lines (per-server `seq` assigned by the connection hub), player
 * sessions and player-count samples. The hub writes through the system functions (no actor: it is
 * the process itself); reads for browsers take a DataContext and check `can()`.
 */
import { requirePermission, type DataContext } from "./context.ts";
import { providerOf, type Db } from "../db/client.ts";
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import { asDate } from "./players/sql.ts";
import { addStayTotals } from "./players/totals.ts";
import { ID_CHUNK, chunked, inChunks, rowsPerStatement } from "./chunks.ts";
import { insertJsonRows, jsonRows } from "./sqlite-json-rows.ts";

/** What a write inside `db.$transaction(async (tx) => ...)` gets. */
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Runs `write` in a transaction of its own, or inline when `db` already is a transaction client (a
 * WriteFence runs the hub's writes in one; Prisma's transaction clients have no $transaction).
 */
function inTransaction<T>(
  db: Db,
  write: (tx: Tx) => Promise<T>,
  options?: { maxWait: number; timeout: number },
): Promise<T> {
  if (typeof (db as { $transaction?: unknown }).$transaction !== "function") return write(db);
  return options ? db.$transaction(write, options) : db.$transaction(write);
}

export interface ConsoleLineRecord {
  serverId: string;
  seq: number;
  kind: string;
  text: string;
  actorId: string | null;
  actorName: string | null;
  replyTo: number | null;
  createdAt: Date;
}

/**
 * Reserves the next `block` console seqs of these servers and returns each server's new mark: seqs
 * up to the mark may be handed out. The mark is stored before any of them is used, so a crash can
 * lose unwritten lines but a restart never hands the same seq out twice. Deleted servers are absent.
 * Chunked so that thousands of servers never make one huge IN list.
 */
export async function reserveConsoleSeqs(
  db: Db,
  serverIds: readonly string[],
  block: number,
): Promise<Map<string, number>> {
  const marks = new Map<string, number>();
  for (const ids of chunked(serverIds, ID_CHUNK)) {
    await db.server.updateMany({
      where: { id: { in: ids } },
      data: { consoleSeqReserved: { increment: block } },
    });
    const rows = await db.server.findMany({
      where: { id: { in: ids } },
      select: { id: true, consoleSeqReserved: true },
    });
    for (const r of rows) marks.set(r.id, r.consoleSeqReserved);
  }
  return marks;
}

/** Raises one server's reserved mark (never lowers it); false when the server no longer exists. */
export async function raiseConsoleSeqReservation(db: Db, serverId: string, mark: number): Promise<boolean> {
  const raised = await db.server.updateMany({
    where: { id: serverId, consoleSeqReserved: { lt: mark } },
    data: { consoleSeqReserved: mark },
  });
  if (raised.count > 0) return true;
  return (await db.server.count({ where: { id: serverId } })) > 0;
}

/**
 * One multi-row INSERT per batch. Prisma's createMany costs ~10x more here (about 200 ms for 300
 * rows against 20 ms, measured on SQLite), and the hub writes every console line. On SQLite the rows
 * go as one JSON parameter (sqlite-json-rows.ts: one statement shape, no per-value serialization);
 * on PostgreSQL Prisma.sql binds every value, with the right placeholders.
 */
export async function insertConsoleLines(db: Db, lines: readonly ConsoleLineRecord[]): Promise<void> {
  const sqlite = providerOf(db) === "sqlite";
  // 1,000 rows a statement on either database: one statement holds SQLite's only connection (and
  // this process, its driver being synchronous) for a bounded time.
  for (const chunk of chunked(lines, Math.min(1000, rowsPerStatement(8)))) {
    if (sqlite) {
      await insertJsonRows(db, "ConsoleLine", CONSOLE_LINE_COLUMNS, jsonRows(chunk, CONSOLE_LINE_COLUMNS));
      continue;
    }
    const rows = chunk.map(
      (l) =>
        Prisma.sql`(${l.serverId}, ${l.seq}, ${l.kind}, ${l.text}, ${l.actorId}, ${l.actorName}, ${l.replyTo}, ${l.createdAt})`,
    );
    await db.$executeRaw`INSERT INTO "ConsoleLine" ("serverId", "seq", "kind", "text", "actorId", "actorName", "replyTo", "createdAt") VALUES ${Prisma.join(rows)}`;
  }
}

/** Every column but the generated id, in the generated client's order. */
const CONSOLE_LINE_COLUMNS = Object.values(Prisma.ConsoleLineScalarFieldEnum).filter(
  (column): column is Exclude<typeof column, "id"> => column !== "id",
) satisfies (keyof ConsoleLineRecord)[];

/** Lines of one server, oldest first: the newest `limit` before `beforeSeq`, or after `afterSeq`. */
export async function readConsoleLines(
  db: Db,
  serverId: string,
  range: { beforeSeq?: number | undefined; afterSeq?: number | undefined; limit: number },
): Promise<ConsoleLineRecord[]> {
  const seq = {
    ...(range.beforeSeq !== undefined ? { lt: range.beforeSeq } : {}),
    ...(range.afterSeq !== undefined ? { gt: range.afterSeq } : {}),
  };
  const rows = await db.consoleLine.findMany({
    where: { serverId, ...(Object.keys(seq).length > 0 ? { seq } : {}) },
    orderBy: { seq: "desc" },
    take: range.limit,
    select: {
      serverId: true,
      seq: true,
      kind: true,
      text: true,
      actorId: true,
      actorName: true,
      replyTo: true,
      createdAt: true,
    },
  });
  return rows.reverse();
}

/** This user's own recent commands on a server, oldest first, without repeats in a row. */
export async function listOwnRecentCommands(
  db: Db,
  actorId: string,
  serverId: string,
  limit = 50,
): Promise<string[]> {
  // A deleted server's lines wait for the background purge: never read them.
  if ((await db.server.count({ where: { id: serverId } })) === 0) return [];
  const rows = await db.consoleLine.findMany({
    where: { actorId, serverId, kind: "command" },
    orderBy: { seq: "desc" },
    take: limit,
    select: { text: true },
  });
  const out: string[] = [];
  for (const { text } of rows.reverse()) if (out[out.length - 1] !== text) out.push(text);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Player sessions

export interface PlayerSessionInput {
  serverId: string;
  gameId: string;
  name: string;
  plainName: string;
  guid: string | null;
  steamId: string | null;
  address: string | null;
  joinedAt: Date;
}

/** Opens many stays in one statement; ids in input order. */
export async function openPlayerSessions(db: Db, inputs: readonly PlayerSessionInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = await db.playerSession.createManyAndReturn({
    data: inputs.map((i) => ({ ...i })),
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

export type StayShownFields = Pick<PlayerSessionInput, "name" | "plainName" | "guid" | "steamId" | "address">;

/**
 * Identities and names that became known later in stays (BattlEye GUIDs arrive after the connect),
 * several stays at once: one UPDATE ... FROM (VALUES ...) per chunk (the hub's stays learn GUIDs
 * and names a few a second per busy server; one statement each was one autocommitted write each).
 * A row given twice takes its last fields. Rows that are gone are skipped.
 */
export async function updatePlayerSessions(
  db: Db,
  rows: readonly { id: string; fields: StayShownFields }[],
  now: Date,
): Promise<void> {
  const last = new Map(rows.map((r) => [r.id, r.fields]));
  for (const chunk of chunked([...last], rowsPerStatement(6))) {
    const values = chunk.map(
      ([id, f]) => Prisma.sql`(${id}, ${f.name}, ${f.plainName}, ${f.guid}, ${f.steamId}, ${f.address})`,
    );
    await db.$executeRaw`UPDATE "PlayerSession" SET "name" = v.column2, "plainName" = v.column3, "guid" = v.column4, "steamId" = v.column5, "address" = v.column6, "updatedAt" = ${now} FROM (VALUES ${Prisma.join(values)}) AS v WHERE "PlayerSession"."id" = v.column1`;
  }
}

/**
 * Ends stays (those still open) and adds each linked one to its player's totals once
 * (players/totals.ts): the rows changed and the totals are one transaction.
 */
export async function closePlayerSessions(
  db: Db,
  ids: readonly string[],
  leftAt: Date,
  now: Date = leftAt,
): Promise<void> {
  await closePlayerSessionGroups(db, [{ ids, leftAt }], now);
}

/**
 * Several closes at once (each group's stays end at its own time; a stay in two groups ends at the
 * first), in one transaction with one totals update: a hub's servers each close a few stays per
 * poll, and one transaction a turn for all of them holds the database far less than one each.
 * One statement per chunk whatever the number of times, each row's end in a CASE on its id (the
 * bound times take the column's type from ELSE on PostgreSQL): one `updateManyAndReturn` per
 * distinct time was about 28 Prisma operations a second at 1,000 bench servers.
 */
export async function closePlayerSessionGroups(
  db: Db,
  groups: readonly { ids: readonly string[]; leftAt: Date }[],
  now: Date,
): Promise<void> {
  const ends = new Map<string, Date>();
  for (const { ids, leftAt } of groups) for (const id of ids) if (!ends.has(id)) ends.set(id, leftAt);
  if (ends.size === 0) return;
  await inTransaction(
    db,
    async (tx) => {
      const closed: Parameters<typeof addStayTotals>[1][number][] = [];
      for (const chunk of chunked([...ends], rowsPerStatement(3))) {
        const cases = chunk.map(([id, leftAt]) => Prisma.sql`WHEN ${id} THEN ${leftAt}`);
        const ids = chunk.map(([id]) => Prisma.sql`${id}`);
        const rows = await tx.$queryRaw<
          { playerId: string | null; serverId: string; joinedAt: unknown; leftAt: unknown }[]
        >`UPDATE "PlayerSession" SET "leftAt" = CASE "id" ${Prisma.join(cases, " ")} ELSE "leftAt" END, "updatedAt" = ${now}
          WHERE "id" IN (${Prisma.join(ids)}) AND "leftAt" IS NULL RETURNING "playerId", "serverId", "joinedAt", "leftAt"`;
        for (const r of rows)
          closed.push({
            playerId: r.playerId,
            serverId: r.serverId,
            joinedAt: asDate(r.joinedAt),
            leftAt: asDate(r.leftAt),
          });
      }
      await addStayTotals(tx, closed);
    },
    // Prisma's 5 s default expired under a busy turn's closes at 500 servers on a loaded machine.
    { maxWait: 30_000, timeout: 60_000 },
  );
}

/**
 * Closes every open stay (of one server, or all): after a restart or when a server goes offline.
 * Linked stays add to their players' totals once, as in closePlayerSessions.
 */
export async function closeOpenPlayerSessions(
  db: Db,
  serverId: string | null,
  leftAt: Date,
): Promise<number> {
  return inTransaction(
    db,
    async (tx) => {
      const closed = await tx.playerSession.updateManyAndReturn({
        where: { leftAt: null, ...(serverId ? { serverId } : {}) },
        data: { leftAt },
        select: { playerId: true, serverId: true, joinedAt: true, leftAt: true },
      });
      await addStayTotals(tx, closed);
      return closed.length;
    },
    { maxWait: 30_000, timeout: 5 * 60_000 },
  );
}

/**
 * At start-up: closes the stays the previous process left open. They ended when it stopped
 * watching, not now (the downtime is no play time): at the server's last player-count sample
 * (written at least every minute while the server was polled), or at the join for a stay that began
 * after it; now only where no sample says more. Counted in the totals once, as above.
 * `serverIds`: only those servers' stays (an instance adopting a server from a previous owner).
 */
export async function closeStaysLeftOpen(db: Db, now: Date, serverIds?: readonly string[]): Promise<number> {
  if (serverIds && serverIds.length === 0) return 0;
  // Callers pass one server (an adoption) or none (start-up): the filter list stays tiny.
  const open = await db.playerSession.groupBy({
    by: ["serverId"],
    where: { leftAt: null, ...(serverIds ? { serverId: { in: [...serverIds] } } : {}) },
  });
  // One groupBy per chunk: Prisma refuses a groupBy IN list over its parameter limit (999 on SQLite).
  const lastSamples = await inChunks(
    open.map((o) => o.serverId),
    (ids) =>
      db.playerCountSample.groupBy({
        by: ["serverId"],
        where: { serverId: { in: ids } },
        _max: { createdAt: true },
      }),
  );
  const lastSeen = new Map(lastSamples.map((s) => [s.serverId, s._max.createdAt]));
  let closed = 0;
  for (const { serverId } of open) {
    const seen = lastSeen.get(serverId);
    const end = seen && seen < now ? seen : now;
    closed += await inTransaction(
      db,
      async (tx) => {
        const before = await tx.playerSession.updateManyAndReturn({
          where: { serverId, leftAt: null, joinedAt: { lte: end } },
          data: { leftAt: end },
          select: { playerId: true, serverId: true, joinedAt: true, leftAt: true },
        });
        const after = await tx.playerSession.findMany({
          where: { serverId, leftAt: null },
          select: { id: true, joinedAt: true },
        });
        const late: { playerId: string | null; serverId: string; joinedAt: Date; leftAt: Date | null }[] = [];
        for (const stay of after) {
          const rows = await tx.playerSession.updateManyAndReturn({
            where: { id: stay.id, leftAt: null },
            data: { leftAt: stay.joinedAt },
            select: { playerId: true, serverId: true, joinedAt: true, leftAt: true },
          });
          late.push(...rows);
        }
        await addStayTotals(tx, [...before, ...late]);
        return before.length + late.length;
      },
      { maxWait: 30_000, timeout: 5 * 60_000 },
    );
  }
  return closed;
}

// ---------------------------------------------------------------------------------------------
// Player-count samples (overview sparkline; the charts read them in player-counts.ts)

/** Longest map name stored with a sample: a hostile server's answer must not bloat every row. */
export const SAMPLE_MAP_MAX = 100;

export async function recordPlayerCountSample(
  db: Db,
  serverId: string,
  count: number,
  at = new Date(),
  map: string | null = null,
): Promise<void> {
  await recordPlayerCountSamples(db, [{ serverId, count, at, map }]);
}

export interface PlayerCountSampleInput {
  serverId: string;
  count: number;
  at: Date;
  map: string | null;
}

/**
 * Several servers' samples in one statement: at 1,000 game servers the hub samples about
 * 17 a second, and one INSERT and commit each was a steady share of SQLite's time on the event loop.
 */
export async function recordPlayerCountSamples(
  db: Db,
  samples: readonly PlayerCountSampleInput[],
): Promise<void> {
  if (samples.length === 0) return;
  // Prisma splits a createMany past the database's bind-value limit by itself (stay-writer.test.ts).
  await db.playerCountSample.createMany({
    data: samples.map((s) => ({
      serverId: s.serverId,
      count: s.count,
      map: s.map ? s.map.slice(0, SAMPLE_MAP_MAX) : null,
      createdAt: s.at,
    })),
  });
}

export interface PlayerCountPoint {
  at: string;
  count: number;
}

/** Samples since `since` for each visible server (of `serverIds`, or all visible), oldest first. */
export async function listPlayerCountSamples(
  ctx: DataContext,
  since: Date,
  serverIds?: readonly string[],
): Promise<Record<string, PlayerCountPoint[]>> {
  await requirePermission(ctx, "server.view", "server.samples");
  const visible =
    ctx.actor.serverIds === null || ctx.actor.role === "OWNER" ? null : new Set(ctx.actor.serverIds);
  const ids = serverIds
    ? serverIds.filter((id) => visible === null || visible.has(id))
    : visible
      ? [...visible]
      : null;
  const query = (chunk: string[] | null) =>
    ctx.db.playerCountSample.findMany({
      where: { createdAt: { gte: since }, ...(chunk ? { serverId: { in: chunk } } : {}) },
      orderBy: { createdAt: "asc" },
      select: { serverId: true, count: true, createdAt: true },
    });
  // Chunks split by server, and the result is grouped by server: each server's points stay in order.
  const rows = ids ? await inChunks(ids, query) : await query(null);
  const out: Record<string, PlayerCountPoint[]> = {};
  for (const r of rows) (out[r.serverId] ??= []).push({ at: r.createdAt.toISOString(), count: r.count });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Retention

/**
 * Deletes finished stays and samples older than `before`. Console lines are deleted separately,
 * in batches (deleteConsoleLineBatch), since a flooded history can hold millions.
 */
export async function pruneHistory(db: Db, before: Date): Promise<{ sessions: number; samples: number }> {
  const sessions = await db.playerSession.deleteMany({ where: { leftAt: { lt: before } } });
  const samples = await db.playerCountSample.deleteMany({ where: { createdAt: { lt: before } } });
  return { sessions: sessions.count, samples: samples.count };
}

/**
 * Deletes at most `limit` console lines of one server: all of them, those below a seq (`belowSeq`,
 * the per-server history cap) or those older than `before` (retention); each form walks the
 * (serverId, seq) index. Retention takes the `limit` oldest lines by seq and deletes those past the
 * cutoff: seq follows time per server, so a batch that keeps one has reached the recent lines (and a
 * server with nothing to delete costs `limit` index entries, not a walk of all its lines). Returns
 * how many went; small batches keep each statement short so other writes (and SQLite's single
 * writer, whose driver blocks the event loop) never wait long.
 */
export async function deleteConsoleLineBatch(
  db: Db,
  what: { serverId: string; belowSeq?: number; before?: Date },
  limit: number,
): Promise<number> {
  if (what.before !== undefined)
    return db.$executeRaw`DELETE FROM "ConsoleLine" WHERE "id" IN (SELECT "id" FROM "ConsoleLine" WHERE "serverId" = ${what.serverId} ORDER BY "seq" LIMIT ${limit}) AND "createdAt" < ${what.before}`;
  const where =
    what.belowSeq !== undefined
      ? Prisma.sql`"serverId" = ${what.serverId} AND "seq" < ${what.belowSeq}`
      : Prisma.sql`"serverId" = ${what.serverId}`;
  return db.$executeRaw`DELETE FROM "ConsoleLine" WHERE "id" IN (SELECT "id" FROM "ConsoleLine" WHERE ${where} LIMIT ${limit})`;
}

/** Servers deleted whose console lines remain to be purged, oldest first. */
export async function listServerPurges(db: Db): Promise<string[]> {
  const rows = await db.serverPurge.findMany({ orderBy: { createdAt: "asc" }, select: { serverId: true } });
  return rows.map((r) => r.serverId);
}

export async function finishServerPurge(db: Db, serverId: string): Promise<void> {
  await db.serverPurge.deleteMany({ where: { serverId } });
}
