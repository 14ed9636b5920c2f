/**
 * Ban import: a file (RconDeck CSV/JSON or a game's own ban file, lib/bans/import) becomes central
 * bans in a chosen scope. `previewBanImport` writes nothing and reports counts and every invalid
 * line; `commitBanImport` recomputes the same plan (the browser is not trusted to send it back)
 * and writes it in one transaction: all or nothing.
 *
 * Duplicates are merged: entries of the file sharing an identifier become one ban (union of
 * identifiers and names, the strongest expiry: permanent beats timed, later beats earlier), and an
 * entry whose identifier is already actively banned in a scope covering the chosen one is skipped.
 * Revoked or already expired entries (an RconDeck export's history) are kept as they are, unmerged.
 *
 * Only Admins over the whole chosen scope (bans.manage, `scopeAllows`) may import. Inserts are
 * chunked under both databases' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import type { Identifier } from "../../lib/bans/identifiers.ts";
import { detectFormat, parseBanFile } from "../../lib/bans/import/parse.ts";
import {
  IMPORT_FORMATS,
  type CandidateBan,
  type ImportFormat,
  type InvalidLine,
} from "../../lib/bans/import/types.ts";
import { banScopeSchema } from "../../lib/schemas/bans.ts";
import { Prisma } from "../../prisma/generated/sqlite/client.ts";
import type { Db } from "../db/client.ts";
import { completeAudit, recordAudit } from "./audit.ts";
import { banState, scopeAllows, stateWhere, type BanScope } from "./bans.ts";
import { requirePermission, type DataContext } from "./context.ts";
import { countExistingServers } from "./servers.ts";

/** Characters of pasted or uploaded text (100,000 native lines are about 3 MB). */
export const IMPORT_MAX_CHARS = 20_000_000;
/** Invalid lines listed in a preview (all are counted). */
export const INVALID_LISTED = 1_000;
/** Rows per INSERT: 17 columns × 1,000 and 4 × 5,000 bound values stay under SQLite's 32,766. */
const BAN_CHUNK = 1_000;
const ROW_CHUNK = 5_000;
/** Values per IN (…) lookup. */
const LOOKUP_CHUNK = 2_000;

export const importBansSchema = z.object({
  text: z.string().max(IMPORT_MAX_CHARS, "The file is larger than 20 MB.").min(1, "The file is empty."),
  format: z.enum(["auto", ...IMPORT_FORMATS]).default("auto"),
  target: banScopeSchema,
});
export type ImportBansInput = z.input<typeof importBansSchema>;

export interface BanImportPreview {
  format: ImportFormat;
  /** Entries read from the file (valid ones, before merging). */
  entries: number;
  /** Bans the commit would create. */
  newBans: number;
  /** Entries merged into another entry of the file that shares an identifier. */
  duplicatesInFile: number;
  /** Entries skipped because an active ban covering the scope already holds one of their identifiers. */
  alreadyBanned: number;
  /** Of the new bans: revoked or already expired ones (history from an export). */
  inactive: number;
  invalidCount: number;
  /** The first INVALID_LISTED invalid lines, in file order. */
  invalid: InvalidLine[];
}

export interface BanImportResult extends BanImportPreview {
  created: number;
  /** Where the new bans apply (the route has the hub re-check those servers' players and lists). */
  scope: BanScope;
}

interface Plan {
  preview: BanImportPreview;
  scope: BanScope;
  bans: CandidateBan[];
}

const keyOf = (i: Identifier) => `${i.kind}\u0000${i.value}`;

async function plan(ctx: DataContext, raw: ImportBansInput, now: Date, action: string): Promise<Plan> {
  await requirePermission(ctx, "bans.manage", action);
  const parsed = importBansSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const input = parsed.data;
  const target = input.target;
  const scope: BanScope =
    target.scope === "servers" ? { scope: "servers", serverIds: [...new Set(target.serverIds)] } : target;
  if (!scopeAllows(ctx.actor, "bans.manage", scope)) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action,
      targetType: "ban",
      outcome: "denied",
      detail: "import needs bans.manage over the whole scope",
      input: { scope },
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Only an Admin of every chosen server may import bans there.");
  }
  if (scope.scope === "servers") {
    const found = await countExistingServers(ctx.db, scope.serverIds);
    if (found !== scope.serverIds.length)
      throw new AppError("NOT_FOUND", "One of those servers does not exist.");
  } else if (scope.scope === "list" && !(await ctx.db.banList.findUnique({ where: { id: scope.banListId } })))
    throw new AppError("NOT_FOUND", "That ban list does not exist.");

  const format = input.format === "auto" ? detectFormat(input.text) : input.format;
  if (!format)
    throw new AppError("INVALID_INPUT", "The file's format was not recognised: choose it.", {
      format: ["Not recognised: choose the format"],
    });
  const file = parseBanFile(input.text, format, { now });

  // Merge the file's active entries sharing an identifier; history (revoked, expired) stays as is.
  const merged: CandidateBan[] = [];
  const byKey = new Map<string, CandidateBan>();
  let duplicatesInFile = 0;
  for (const ban of file.bans) {
    if (banState(ban, now) !== "active") {
      merged.push(ban);
      continue;
    }
    const into = ban.identifiers.map((i) => byKey.get(keyOf(i))).find((b) => b !== undefined);
    if (!into) {
      const copy = { ...ban, identifiers: [...ban.identifiers], playerNames: [...ban.playerNames] };
      merged.push(copy);
      for (const i of copy.identifiers) byKey.set(keyOf(i), copy);
      continue;
    }
    duplicatesInFile++;
    for (const i of ban.identifiers)
      if (!byKey.has(keyOf(i)) && into.identifiers.length < 20) {
        into.identifiers.push(i);
        byKey.set(keyOf(i), into);
      }
    for (const n of ban.playerNames) if (!into.playerNames.includes(n)) into.playerNames.push(n);
    if (into.expiresAt !== null && (ban.expiresAt === null || ban.expiresAt > into.expiresAt))
      into.expiresAt = ban.expiresAt;
  }

  const covered = await coveredKeys(ctx.db, [...byKey.keys()], scope, now);
  let alreadyBanned = 0;
  const bans = merged.filter((ban) => {
    const skip = banState(ban, now) === "active" && ban.identifiers.some((i) => covered.has(keyOf(i)));
    if (skip) alreadyBanned++;
    return !skip;
  });
  return {
    scope,
    bans,
    preview: {
      format,
      entries: file.bans.length,
      newBans: bans.length,
      duplicatesInFile,
      alreadyBanned,
      inactive: bans.filter((b) => banState(b, now) !== "active").length,
      invalidCount: file.invalid.length,
      invalid: file.invalid.slice(0, INVALID_LISTED),
    },
  };
}

/** The identifier keys already held by an active ban whose scope covers `scope`. */
async function coveredKeys(db: Db, keys: string[], scope: BanScope, now: Date): Promise<Set<string>> {
  const byKind = new Map<string, string[]>();
  for (const key of keys) {
    const [kind, value] = key.split("\u0000") as [string, string];
    const list = byKind.get(kind);
    if (list) list.push(value);
    else byKind.set(kind, [value]);
  }
  const hits: { banId: string; kind: string; value: string }[] = [];
  for (const [kind, values] of byKind)
    for (let i = 0; i < values.length; i += LOOKUP_CHUNK)
      hits.push(
        ...(await db.banIdentifier.findMany({
          where: { kind, value: { in: values.slice(i, i + LOOKUP_CHUNK) } },
          select: { banId: true, kind: true, value: true },
        })),
      );
  const banIds = [...new Set(hits.map((h) => h.banId))];
  const covering = new Set<string>();
  for (let i = 0; i < banIds.length; i += LOOKUP_CHUNK) {
    const rows = await db.ban.findMany({
      where: { AND: [{ id: { in: banIds.slice(i, i + LOOKUP_CHUNK) } }, stateWhere("active", now)] },
      select: { id: true, scope: true, banListId: true, servers: { select: { serverId: true } } },
    });
    for (const row of rows) if (covers(row, scope)) covering.add(row.id);
  }
  return new Set(hits.filter((h) => covering.has(h.banId)).map((h) => `${h.kind}\u0000${h.value}`));
}

function covers(
  existing: { scope: string; banListId: string | null; servers: { serverId: string }[] },
  scope: BanScope,
): boolean {
  if (existing.scope === "all") return true;
  if (existing.scope === "list") return scope.scope === "list" && scope.banListId === existing.banListId;
  if (scope.scope !== "servers") return false;
  const held = new Set(existing.servers.map((s) => s.serverId));
  return scope.serverIds.every((id) => held.has(id));
}

export async function previewBanImport(
  ctx: DataContext,
  raw: ImportBansInput,
  now = new Date(),
): Promise<BanImportPreview> {
  return (await plan(ctx, raw, now, "ban.import")).preview;
}

export async function commitBanImport(
  ctx: DataContext,
  raw: ImportBansInput,
  now = new Date(),
): Promise<BanImportResult> {
  const { preview, scope, bans } = await plan(ctx, raw, now, "ban.import");
  const { invalid: _listed, ...counts } = preview;
  // Audited before the write (pending), completed after: an import never happens unrecorded.
  const pending = await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.import",
    targetType: "ban",
    serverId: scope.scope === "servers" && scope.serverIds.length === 1 ? scope.serverIds[0] : null,
    input: { ...counts, scope },
    outcome: "pending",
    sourceIp: ctx.ip,
  });
  try {
    await writeBans(ctx, bans, scope, now);
  } catch (error) {
    await completeAudit(ctx.db, pending, "failure", error instanceof Error ? error.message : String(error));
    throw new AppError("INTERNAL", "The import failed and nothing was written.");
  }
  await completeAudit(ctx.db, pending, "success", `${bans.length} bans created`);
  return { ...preview, created: bans.length, scope };
}

async function writeBans(ctx: DataContext, bans: CandidateBan[], scope: BanScope, now: Date): Promise<void> {
  const rows = bans.map((ban) => {
    const names = [...new Set(ban.playerNames.filter((n) => n !== ""))].slice(0, 10);
    const searchNames = ban.identifiers
      .filter((i) => i.kind === "name" || i.kind === "mc_name")
      .map((i) => i.value);
    return {
      id: randomUUID(),
      reason: ban.reason,
      note: ban.note,
      playerNames: JSON.stringify(names),
      searchText: [ban.reason, ...names, ...searchNames].join("\n").toLowerCase(),
      authorId: ctx.actor.id,
      authorEmail: ctx.actor.email,
      authorName: ctx.actor.name,
      createdAt: ban.createdAt ?? now,
      expiresAt: ban.expiresAt,
      revokedAt: ban.revokedAt,
      revokedById: null,
      revokedByEmail: ban.revokedAt ? (ban.revokedByEmail ?? ctx.actor.email) : null,
      revokeReason: ban.revokedAt ? (ban.revokeReason ?? "Revoked before import") : null,
      scope: scope.scope,
      banListId: scope.scope === "list" ? scope.banListId : null,
    };
  });
  const identifiers = rows.flatMap((row, i) => bans[i]!.identifiers.map((id) => ({ banId: row.id, ...id })));
  const servers =
    scope.scope === "servers"
      ? rows.flatMap((row) => scope.serverIds.map((serverId) => ({ banId: row.id, serverId })))
      : [];
  await ctx.db.$transaction(
    async (tx) => {
      // Multi-row INSERTs bound by Prisma.sql (placeholders for either database): createMany costs
      // about 0.3 ms a row here, an import of 100,000 bans a minute.
      for (let i = 0; i < rows.length; i += BAN_CHUNK) {
        const values = rows
          .slice(i, i + BAN_CHUNK)
          .map(
            (r) =>
              Prisma.sql`(${r.id}, ${r.reason}, ${r.note}, ${r.playerNames}, ${r.searchText}, ${r.authorId}, ${r.authorEmail}, ${r.authorName}, ${r.createdAt}, ${now}, ${r.expiresAt}, ${r.revokedAt}, ${r.revokedById}, ${r.revokedByEmail}, ${r.revokeReason}, ${r.scope}, ${r.banListId})`,
          );
        await tx.$executeRaw`INSERT INTO "Ban" ("id", "reason", "note", "playerNames", "searchText", "authorId", "authorEmail", "authorName", "createdAt", "updatedAt", "expiresAt", "revokedAt", "revokedById", "revokedByEmail", "revokeReason", "scope", "banListId") VALUES ${Prisma.join(values)}`;
      }
      for (let i = 0; i < identifiers.length; i += ROW_CHUNK) {
        const values = identifiers
          .slice(i, i + ROW_CHUNK)
          .map((r) => Prisma.sql`(${randomUUID()}, ${r.banId}, ${r.kind}, ${r.value})`);
        await tx.$executeRaw`INSERT INTO "BanIdentifier" ("id", "banId", "kind", "value") VALUES ${Prisma.join(values)}`;
      }
      for (let i = 0; i < servers.length; i += ROW_CHUNK) {
        const values = servers.slice(i, i + ROW_CHUNK).map((r) => Prisma.sql`(${r.banId}, ${r.serverId})`);
        await tx.$executeRaw`INSERT INTO "BanServer" ("banId", "serverId") VALUES ${Prisma.join(values)}`;
      }
    },
    { maxWait: 30_000, timeout: 10 * 60_000 },
  );
}
