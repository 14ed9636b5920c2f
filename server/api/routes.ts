/**
 * The REST API (/api/v1), one table: method, path, the zod schemas its input is validated with
 * (and its OpenAPI document generated from), the permission it needs (checked again by the data
 * layer and the operations), its budget cost, and what it does. Route files under app/api/v1 only
 * hand the request to `handleApiV1` (handle.ts); a test keeps them and this table in step.
 */
import type { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { can, type Permission } from "../../lib/permissions.ts";
import {
  auditQuery,
  banParams,
  consoleBody,
  createBanBody,
  kickBody,
  listBansQuery,
  messageBody,
  playerParams,
  revokeBanBody,
  serverParams,
} from "../../lib/schemas/api-v1.ts";
import { encodeAuditCursor } from "../../lib/schemas/audit.ts";
import { listAuditPage } from "../data/audit.ts";
import { serversOfBans } from "../data/ban-page.ts";
import { createBan, listBans, revokeBan } from "../data/bans.ts";
import type { DataContext } from "../data/context.ts";
import { requirePermission } from "../data/context.ts";
import { getServer, listServers } from "../data/servers.ts";
import { execConsoleCommand } from "../operations/console.ts";
import type { OperationDeps } from "../operations/deps.ts";
import { kickPlayer, messagePlayer } from "../operations/players.ts";
import { withoutIdentities } from "../realtime/redact.ts";
import type { HubControl } from "../runtime.ts";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** What a route runs with: the token's actor (DataContext) and the live hub. */
export interface ApiContext extends DataContext {
  hub: HubControl;
  deps: OperationDeps;
  now: Date;
}

export interface ApiRoute {
  method: HttpMethod;
  /** OpenAPI style, below /api/v1: "/servers/{serverId}". */
  path: string;
  operationId: string;
  summary: string;
  /** Documented; the data layer and the operations check it (per server where the path names one). */
  permission: Permission;
  /** HTTP budget points (a state change or a command costs more than a read). */
  cost: number;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** 200 unless said. */
  status?: number;
  /**
   * "read": the call writes one `api.<operationId>` audit row itself. "action": the data function
   * or operation it calls audits (with the token's name), so no second row.
   */
  audit: "read" | "action";
  run(ctx: ApiContext, input: { params: unknown; query: unknown; body: unknown }): Promise<unknown>;
}

function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: Omit<ApiRoute, "run" | "params" | "query" | "body"> & {
    params?: P;
    query?: Q;
    body?: B;
    run(
      ctx: ApiContext,
      input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    ): Promise<unknown>;
  },
): ApiRoute {
  return spec;
}

/** A server the caller may not see is NOT_FOUND, as a missing one (no probing of ids). */
async function visibleServer(ctx: ApiContext, serverId: string) {
  if (!can(ctx.actor, "server.view", serverId))
    throw new AppError("NOT_FOUND", "That server does not exist.");
  return getServer(ctx, serverId);
}

async function recheck(ctx: ApiContext, banIds: readonly string[]): Promise<void> {
  ctx.hub.recheckBans(await serversOfBans(ctx.db, banIds));
}

export const API_ROUTES: readonly ApiRoute[] = [
  route({
    method: "GET",
    path: "/servers",
    operationId: "listServers",
    summary: "The servers the token reaches, each with its live status.",
    permission: "server.view",
    cost: 1,
    audit: "read",
    async run(ctx) {
      const servers = await listServers(ctx);
      return { servers: servers.map((s) => ({ ...s, status: ctx.hub.statusOf(s.id) })) };
    },
  }),
  route({
    method: "GET",
    path: "/servers/{serverId}",
    operationId: "getServer",
    summary: "One server and its live status.",
    permission: "server.view",
    cost: 1,
    params: serverParams,
    audit: "read",
    async run(ctx, { params }) {
      const server = await visibleServer(ctx, params.serverId);
      return { server: { ...server, status: ctx.hub.statusOf(server.id) } };
    },
  }),
  route({
    method: "GET",
    path: "/servers/{serverId}/players",
    operationId: "listPlayers",
    summary: "The players online on a server (identities only with players.identities).",
    permission: "players.view",
    cost: 1,
    params: serverParams,
    audit: "read",
    async run(ctx, { params }) {
      const { serverId } = params;
      await visibleServer(ctx, serverId);
      await requirePermission(ctx, "players.view", "api.listPlayers", serverId);
      const players = ctx.hub.players(serverId);
      return {
        players: can(ctx.actor, "players.identities", serverId)
          ? players
          : withoutIdentities(serverId, players, ctx.hub.dialectOf(serverId)),
      };
    },
  }),
  route({
    method: "POST",
    path: "/servers/{serverId}/console",
    operationId: "runConsoleCommand",
    summary:
      "Sends one raw console command and returns its answer. A command the game marks dangerous needs `confirm: true` (else 428 CONFIRMATION_REQUIRED).",
    permission: "console.execute",
    cost: 5,
    params: serverParams,
    body: consoleBody,
    audit: "action",
    async run(ctx, { params, body }) {
      await visibleServer(ctx, params.serverId);
      return execConsoleCommand(ctx.deps, ctx, {
        serverId: params.serverId,
        command: body.command,
        confirmed: body.confirm === true,
      });
    },
  }),
  route({
    method: "POST",
    path: "/servers/{serverId}/players/{playerId}/kick",
    operationId: "kickPlayer",
    summary: "Kicks an online player (the id as the players list gives it).",
    permission: "players.kick",
    cost: 5,
    params: playerParams,
    body: kickBody,
    audit: "action",
    async run(ctx, { params, body }) {
      await visibleServer(ctx, params.serverId);
      return kickPlayer(ctx.deps, ctx, { ...params, reason: body.reason });
    },
  }),
  route({
    method: "POST",
    path: "/servers/{serverId}/players/{playerId}/message",
    operationId: "messagePlayer",
    summary: "Sends a private message to an online player (a named say where the game cannot whisper).",
    permission: "players.message",
    cost: 5,
    params: playerParams,
    body: messageBody,
    audit: "action",
    async run(ctx, { params, body }) {
      await visibleServer(ctx, params.serverId);
      return messagePlayer(ctx.deps, ctx, { ...params, message: body.message });
    },
  }),
  route({
    method: "GET",
    path: "/bans",
    operationId: "listBans",
    summary: "Central bans, newest first, by keyset pages (`next` → `after`).",
    permission: "players.view",
    cost: 2,
    query: listBansQuery,
    audit: "read",
    run: (ctx, { query }) => listBans(ctx, query, ctx.now),
  }),
  route({
    method: "POST",
    path: "/bans",
    operationId: "createBan",
    summary: "Creates a central ban (scope, Moderator maximum and identifiers as in the dashboard).",
    permission: "players.ban",
    cost: 5,
    body: createBanBody,
    status: 201,
    audit: "action",
    async run(ctx, { body }) {
      const ban = await createBan(ctx, body, ctx.now);
      await recheck(ctx, [ban.id]);
      return { ban };
    },
  }),
  route({
    method: "DELETE",
    path: "/bans/{banId}",
    operationId: "revokeBan",
    summary: "Revokes a ban (kept, with who, when and why).",
    permission: "players.ban",
    cost: 5,
    params: banParams,
    body: revokeBanBody,
    audit: "action",
    async run(ctx, { params, body }) {
      const ban = await revokeBan(ctx, { id: params.banId, reason: body.reason }, ctx.now);
      await recheck(ctx, [ban.id]);
      return { ban };
    },
  }),
  route({
    method: "GET",
    path: "/audit",
    operationId: "listAuditEvents",
    summary:
      "The audit log the token may read, newest first (a server-limited user: its servers' events and its own). Page with `after`/`before` cursors.",
    permission: "audit.read",
    cost: 2,
    query: auditQuery,
    audit: "read",
    async run(ctx, { query }) {
      if (!can(ctx.actor, "audit.read")) await requirePermission(ctx, "audit.read", "api.listAuditEvents");
      const page = await listAuditPage(ctx.db, ctx.actor, {
        action: query.action,
        actorEmail: query.actor,
        serverId: query.serverId,
        outcome: query.outcome,
        from: query.from,
        to: query.to,
        after: query.after,
        before: query.before,
        limit: query.size ?? 100,
      });
      const last = page.events.at(-1);
      const first = page.events[0];
      return {
        events: page.events,
        older: page.hasOlder && last ? encodeAuditCursor(last) : null,
        newer: page.hasNewer && first ? encodeAuditCursor(first) : null,
      };
    },
  }),
];
