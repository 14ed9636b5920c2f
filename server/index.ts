/**
 * Composition root: environment -> secrets -> database (migrated) -> first-run owner/setup link ->
 * Next.js + socket.io on one http.Server -> listen. Later layers (connection manager, demo
 * servers) plug in between the database and `listen` without reshaping this file.
 */
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import nextModule from "next";
import { isAppError } from "../lib/errors.ts";
import { HttpBudget } from "./auth/http-budget.ts";
import { LoginLimiter } from "./auth/login-limiter.ts";
import { TwoFactorLimiter } from "./auth/two-factor-limiter.ts";
import { clientAddress, CLIENT_IP_HEADER } from "./auth/request-ip.ts";
import { createDb } from "./db/client.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { bootstrapOwnerFromEnv, issueSetupToken } from "./data/users.ts";
import { flushAuditWrites } from "./data/audit-chain-writer.ts";
import { getEnv } from "./env.ts";
import { createLogger } from "./logger.ts";
import { findProjectRoot } from "./project-root.ts";
import { startDemoMode } from "./demo/demo.ts";
import { NativeBanSync } from "./hub/ban-sync.ts";
import { ConnectionHub } from "./hub/hub.ts";
import { startScheduleRunner } from "./automation/schedules/runner.ts";
import { startGameLogs } from "./hub/game-logs/start.ts";
import type { HubPort } from "./hub/port.ts";
import { memoryLimiters } from "./cluster/limits.ts";
import type { LeaseManager } from "./cluster/lease-manager.ts";
import { joinCluster, leasedHubOptions } from "./cluster/node.ts";
import { createRealtime } from "./realtime/io.ts";
import { playerRefFor, setPlayerHandleSecret } from "./realtime/redact.ts";
import { loadAllFamilies } from "./rcon/registry.ts";
import { setRuntime } from "./runtime.ts";
import { startWebhooks } from "./automation/webhooks/start.ts";
import { loadSecrets } from "./security/secrets.ts";
import { TriggerEngine } from "./automation/triggers/engine.ts";
import { systemHubClock } from "./hub/clock.ts";

const SHUTDOWN_GRACE_MS = 4_000;
// `next` is CommonJS: under NodeNext its default import is typed as the module, at run time it is
// the factory. This is the part of its API the composition root uses.
interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close?(): Promise<void>;
}
type NextFactory = (options: {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
  httpServer: HttpServer;
}) => NextApp;
const createNextApp = ((nextModule as { default?: unknown }).default ?? nextModule) as NextFactory;

async function main(): Promise<void> {
  const env = getEnv();
  const logger = createLogger("rcondeck", env.LOG_LEVEL);
  const secrets = loadSecrets(env.dataDir, env);
  // Every instance of a cluster shares AUTH_SECRET, so the same player gets the same handle on each.
  setPlayerHandleSecret(secrets.authSecret);

  const applied = await migrateDatabase(env.databaseUrl);
  if (applied.length > 0) logger.info("database migrated", { kind: env.databaseKind, applied });
  const db = createDb(env.databaseUrl, {
    backgroundCheckpoints: { onProblem: (message) => logger.warn(message) },
  });

  // next-auth builds its callback URLs from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= env.publicUrl;

  let setupLink: string | null = null;
  if (env.RCONDECK_OWNER_EMAIL && env.RCONDECK_OWNER_PASSWORD) {
    const created = await bootstrapOwnerFromEnv(
      db,
      env.RCONDECK_OWNER_EMAIL,
      env.RCONDECK_OWNER_PASSWORD,
    ).catch((error: unknown) => {
      // A weak Owner password is refused outright: starting with no Owner and no setup link would
      // leave a deployment unusable without saying why. The reasons never echo the password.
      if (!isAppError(error) || error.code !== "INVALID_INPUT") throw error;
      const reasons = error.fieldErrors?.password ?? [];
      console.error(
        `RCONDECK_OWNER_PASSWORD is too weak; the Owner was not created.\n${reasons.map((r) => `  - ${r}`).join("\n")}\nSet a stronger password (a few uncommon words work well) and start again.`,
      );
      process.exit(1);
    });
    if (created)
      logger.info("owner account created from RCONDECK_OWNER_EMAIL", { email: env.RCONDECK_OWNER_EMAIL });
  } else {
    const token = await issueSetupToken(db);
    if (token) setupLink = `${env.publicUrl}/setup?token=${token}`;
  }

  // Demo emulators first (their ports go into the rows), then the hub connects every server. A
  // cluster starts none: its instances would each start their own emulators behind one row.
  const demo = await startDemoMode({
    db,
    encryptionKey: secrets.encryptionKey,
    logger,
    enabled: env.DEMO !== "0" && env.cluster === null,
  });
  // Multi-instance mode: this hub connects only the servers whose lease this instance holds, and
  // its writes (native ban lists included) carry the lease's epoch.
  let leases: LeaseManager | null = null;
  const leased = env.cluster ? leasedHubOptions(db, env.cluster, () => leases) : {};
  // Game log streams (docs/game-logs.md): configured receivers, or loopback in demo mode.
  const gameLogs = await startGameLogs({
    env: env.gameLogs,
    demo: env.DEMO !== "0" && env.cluster === null,
    dashboard: { host: env.HOST, port: env.PORT },
    encryptionKey: secrets.encryptionKey,
    logger,
  });
  const nativeBans = new NativeBanSync({
    db,
    logger,
    everyMs: env.BAN_SYNC_EVERY_MS,
    ...(leased.fence ? { fence: leased.fence } : {}),
  });
  const hub = new ConnectionHub({
    db,
    encryptionKey: secrets.encryptionKey,
    logger,
    retentionDays: env.CONSOLE_RETENTION_DAYS,
    nativeBans,
    ...leased,
    ...(gameLogs.hubOptions ? { gameLogs: gameLogs.hubOptions } : {}),
  });
  await hub.start();
  const cluster = env.cluster
    ? await joinCluster({ cluster: env.cluster, db, logger, hub, bind: (manager) => (leases = manager) })
    : null;
  // What browsers and server actions talk to: the local hub, or the cluster's router over it.
  const live: HubPort = cluster ? cluster.runtime.hub : hub;
  const limiters = cluster ? cluster.runtime.limiters : memoryLimiters;
  // Schedules run on the servers this instance holds, through the local hub (docs/automation.md).
  // A lease past its deadline (a resumed SIGSTOPped process, before its fence timer ran) is not held:
  // its run would be claimed here and fail at the shut write gate, and the new holder could not run it.
  const schedules = startScheduleRunner({
    db,
    logger,
    clock: systemHubClock,
    hub,
    held: () => hub.held().filter((id) => leases?.writeGate(id) ?? true),
  });

  const httpServer = createServer();
  const realtime = createRealtime(httpServer, {
    db,
    authSecret: secrets.authSecret,
    logger,
    hub: live,
    actionLimit: { points: env.ACTIONS_PER_10S, seconds: 10 },
    limits: {
      userPoints: env.SOCKET_POINTS_PER_10S,
      socketsPerUser: env.SOCKETS_PER_USER,
      handshakesPerMinute: env.HANDSHAKES_PER_MINUTE,
    },
    allowedOrigins: env.allowedOrigins,
    trustProxy: env.TRUST_PROXY === "1",
    ...(cluster ? { adapter: cluster.runtime.adapter, cluster: true, playerLists: cluster.runtime.hub } : {}),
    limiters,
  });
  // Webhooks and in-app alerts, fed by this instance's own hub (the servers it holds) and audit rows.
  const webhooks = startWebhooks({
    db,
    encryptionKey: secrets.encryptionKey,
    logger,
    hub,
    io: realtime.io,
    allowLoopback: env.WEBHOOKS_ALLOW_LOOPBACK === "1",
  });
  // Automation triggers: fed by this instance's hub events, acting through `live` as their owners;
  // "send a webhook" goes through the dispatcher above.
  const triggers = new TriggerEngine({
    db,
    logger,
    clock: systemHubClock,
    hub: live,
    webhooks: webhooks.dispatcher,
  });
  await triggers.start();
  setRuntime({
    webhooks: webhooks.control,
    env,
    db,
    secrets,
    logger,
    loginLimiter: new LoginLimiter(undefined, limiters),
    twoFactorLimiter: new TwoFactorLimiter(undefined, limiters),
    httpBudget: new HttpBudget(
      {
        userPointsPerMinute: env.HTTP_POINTS_PER_MINUTE,
        anonymousPointsPerMinute: env.HTTP_ANON_POINTS_PER_MINUTE,
      },
      limiters,
    ),
    endUserSessions: (userId, reason) => realtime.endUserSessions(userId, reason),
    endSessionSockets: (sessionId, reason) => realtime.endSessionSockets(sessionId, reason),
    triggers: { changed: () => triggers.changed() },
    hub: {
      reloadServer: (serverId) => live.reloadServer(serverId),
      recheckBans: (serverIds) => live.recheckBans(serverIds),
      refreshRecords: (playerIds) => live.refreshRecords(playerIds),
      recordOf: (serverId, gameId) => live.recordOf(serverId, gameId),
      players: (serverId) => live.players(serverId),
      statusOf: (serverId) => live.statusOf(serverId),
      dialectOf: (serverId) => live.dialectOf(serverId),
      exec: (serverId, actor, command) => live.exec(serverId, actor, command),
      kick: (serverId, actor, playerId, reason) => live.kick(serverId, actor, playerId, reason),
      message: (serverId, actor, playerId, text) => live.message(serverId, actor, playerId, text),
      playerRef: (serverId, gameId, withIdentities) =>
        playerRefFor(serverId, gameId, live.dialectOf(serverId), withIdentities),
      policyGames: async () =>
        (await loadAllFamilies()).flatMap((f) =>
          f.dialects.map((d) => ({
            id: d.id,
            label: d.label,
            family: d.family,
            dangerous: d.dangerous,
            ...(d.indirect ? { indirect: d.indirect } : {}),
          })),
        ),
      async removeServer(serverId) {
        await live.removeServer(serverId);
        await demo.stopFor(serverId);
      },
    },
  });

  // RCONDECK_NO_NEXT=1: multi-process tests and the cluster benchmark only (server/testing/no-next.ts).
  const app: NextApp =
    process.env.RCONDECK_NO_NEXT === "1"
      ? (await import("./testing/no-next.ts")).createBareApp(env.TRUST_PROXY === "1")
      : createNextApp({
          dev: env.NODE_ENV === "development",
          dir: findProjectRoot(),
          hostname: env.HOST,
          port: env.PORT,
          httpServer,
        });
  const handle = app.getRequestHandler();
  await app.prepare();

  httpServer.on("request", (req, res) => {
    // engine.io answers its own path; everything else is Next's.
    if (req.url?.startsWith("/socket.io/")) return;
    const client = clientAddress(
      req.socket.remoteAddress,
      req.headers["x-forwarded-for"],
      env.TRUST_PROXY === "1",
    );
    // Game log POSTs: a fast path without session or Next (the secret is in the path, never logged).
    if (gameLogs.handle(req, res, client)) return;
    req.headers[CLIENT_IP_HEADER] = client;
    void handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  console.log(
    `RconDeck listening on ${env.publicUrl.replace(`:${env.PORT}`, `:${port}`)} (${env.databaseKind}, Node ${process.version})`,
  );
  if (setupLink) {
    console.log(`First run: create the Owner account with this one-time link (valid 24 h):\n  ${setupLink}`);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    httpServer.close(); // stop accepting
    void (async () => {
      // First the game servers: connections closed, leases given back, the others told (they
      // connect them within about a second), while browsers here still receive the last lines.
      schedules.stop();
      await cluster?.handOver();
      // Triggers before webhooks: a firing in flight may still hand the dispatcher a notice.
      await triggers.stop();
      webhooks.stop();
      await realtime.close();
      // Flush the console history and close every RCON connection, then the demo emulators.
      await hub.stop();
      // Schedule steps in flight fail fast once the connections are closed: their outcome is stored.
      await schedules.settle(1_000);
      await gameLogs.close();
      await demo.close();
      await cluster?.close();
      httpServer.closeAllConnections();
      await app.close?.();
      await flushAuditWrites(db); // a completion may still wait for company
      await db.$disconnect();
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error("shutdown failed", { error: String(error) });
      process.exit(1);
    });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
