/**
 * Raw SQL pieces the player-record writes share. Written once for both databases: multi-row
 * INSERT ... ON CONFLICT and UPDATE ... FROM (VALUES ...) read the same on SQLite (3.35+) and
 * PostgreSQL. A VALUES list has no column types on PostgreSQL, so numbers in one are CAST (dates
 * never go through one: they go where a column gives them a type). DateTimes are bound as Date
 * parameters, which both adapters store exactly as Prisma does (SQLite: ISO text with "+00:00",
 * compared as text; PostgreSQL: timestamp(3)); every raw INSERT sets createdAt/updatedAt itself,
 * since SQLite's column default would store another text format.
 */
import type { Db } from "../../db/client.ts";

/** What a write inside `db.$transaction(async (tx) => ...)` gets. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Rows per multi-row statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const ROW_CHUNK = 300;

export function chunks<T>(rows: readonly T[], size = ROW_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** A unique-constraint failure from either adapter (Prisma's P2002, SQLite's text, PostgreSQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const text = `${typeof code === "string" ? code : ""} ${String(error)}`;
  return /P2002|23505|UNIQUE constraint failed|unique constraint|duplicate key/i.test(text);
}

/** Dates read back by raw queries come as Date (typed columns) or text; both become a Date. */
export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Booleans read back by raw queries come as booleans (typed columns) or SQLite's 0/1; both become a boolean. */
export function asBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}
