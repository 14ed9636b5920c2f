/**
 * Bounded id lists: every query whose list grows with servers, players or bans goes through here,
 * so no statement carries more bind parameters than the database (or Prisma) accepts.
 *
 * The limits, as measured with Prisma 7.10 (query compiler) and the drivers installed here:
 * - Prisma model queries (findMany, count, groupBy, relation filters, OR lists...): Prisma refuses
 *   more than `maxBindValues` parameters per statement with P2029 "The query parameter limit
 *   supported by your database is exceeded": 999 on SQLite, 32,766 on PostgreSQL. It splits a
 *   plain findMany / updateMany / deleteMany with ONE `in` list by itself, but not count, groupBy,
 *   relation filters (`some`), OR lists, two lists, or a findMany with orderBy + take.
 * - Raw statements ($queryRaw / $executeRaw with Prisma.join): not checked by Prisma; the driver
 *   takes up to 32,766 on SQLite (better-sqlite3's SQLITE_MAX_VARIABLE_NUMBER) and 65,535 on
 *   PostgreSQL (the wire protocol's 16-bit count).
 * ID_CHUNK stays far under the smallest (999) so that a chunk plus a query's other parameters fit.
 */

/** Ids per statement for Prisma model queries (SQLite's 999 minus room for the other parameters). */
export const ID_CHUNK = 500;

/** Bind parameters per raw statement (multi-row INSERT/VALUES): under SQLite's 32,766 and PostgreSQL's 65,535. */
export const RAW_PARAMETERS = 30_000;

/** Rows of `columns` parameters each that fit one raw statement. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(RAW_PARAMETERS / Math.max(1, columns)));
}

/** `items` in consecutive slices of at most `size`. */
export function chunked<T>(items: readonly T[], size = ID_CHUNK): T[][] {
  if (size < 1) throw new Error("chunk size must be at least 1");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `query` once per chunk, one after the other (one connection at a time), and concatenates the rows. */
export async function inChunks<T, R>(
  items: readonly T[],
  query: (chunk: T[]) => Promise<readonly R[]>,
  size = ID_CHUNK,
): Promise<R[]> {
  const out: R[] = [];
  for (const chunk of chunked(items, size)) out.push(...(await query(chunk)));
  return out;
}

/** Sums a count over chunks (the chunks must select disjoint rows, e.g. `id in chunk`). */
export async function countInChunks<T>(
  items: readonly T[],
  count: (chunk: T[]) => Promise<number>,
  size = ID_CHUNK,
): Promise<number> {
  let total = 0;
  for (const chunk of chunked(items, size)) total += await count(chunk);
  return total;
}

/**
 * The first `take` of rows merged from several ordered chunk results (each chunk already ordered
 * by `compare` and cut at `take`), without duplicates by `key`: a keyset page over a scope too
 * large for one IN list is the page of the union of the chunks' pages.
 */
export function mergePages<R>(
  pages: readonly (readonly R[])[],
  compare: (a: R, b: R) => number,
  take: number,
  key?: (row: R) => string,
): R[] {
  const all = pages.flat().sort(compare);
  if (!key) return all.slice(0, take);
  const seen = new Set<string>();
  const out: R[] = [];
  for (const row of all) {
    const k = key(row);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(row);
    if (out.length >= take) break;
  }
  return out;
}
