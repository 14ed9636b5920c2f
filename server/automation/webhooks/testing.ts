/**
 * Test helpers for webhooks: a local HTTP receiver on loopback that answers from a script, seeded
 * users, servers and webhook rows, and a wait for the dispatcher's next outcome.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Actor } from "../../../lib/permissions.ts";
import type { WebhookEventName } from "../../../lib/automation/webhooks.ts";
import type { Db } from "../../db/client.ts";
import { encryptSecret } from "../../security/crypto.ts";
import { actorFor } from "../../testing/actors.ts";
import type { DeliveryOutcome, WebhookDispatcher } from "./index.ts";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The test clock's time when it arrived. */
  at: number;
}

export interface Answer {
  /** "hang": never answer (the request stays open until the client gives up). */
  status: number | "hang";
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  base: string;
  received: Received[];
  /** Answers for the next requests, in order; 204 once they run out. */
  script: Answer[];
  close(): Promise<void>;
}

export async function startReceiver(now: () => number): Promise<Receiver> {
  const received: Received[] = [];
  const script: Answer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(text) as unknown,
        at: now(),
      });
      const answer = script.shift() ?? { status: 204 };
      if (answer.status === "hang") return;
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    script,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const testKey = () => randomBytes(32);

/** A path shaped like Discord's (the token is the secret part). */
export function discordPath(): string {
  return `/api/webhooks/${"1".repeat(18)}/${randomBytes(24).toString("base64url")}`;
}

export async function seedServer(db: Db, name: string): Promise<string> {
  const row = await db.server.create({
    data: { name, game: "cs2", protocol: "source", host: "127.0.0.1", port: 1, passwordEncrypted: "x" },
  });
  return row.id;
}

/** A stored user (ServerAccess rows for a limited one), loaded as a request would load it. */
export async function seedUser(db: Db, role: string, serverIds: string[] | null): Promise<Actor> {
  const row = await db.user.create({
    data: {
      email: `${randomUUID()}@example.com`,
      name: `${role.toLowerCase()}-${randomUUID().slice(0, 6)}`,
      passwordHash: "x",
      role,
      allServers: serverIds === null,
      serverAccess: serverIds ? { create: serverIds.map((serverId) => ({ serverId })) } : undefined,
    },
  });
  return actorFor(db, row.id);
}

export async function seedWebhook(
  db: Db,
  key: Buffer,
  input: {
    name?: string;
    kind: "discord" | "json";
    url: string;
    events: WebhookEventName[];
    ownerId: string;
    serverIds?: string[];
    chatFilter?: string;
    enabled?: boolean;
  },
): Promise<string> {
  const row = await db.webhook.create({
    data: {
      name: input.name ?? `hook-${randomUUID().slice(0, 8)}`,
      kind: input.kind,
      urlEncrypted: encryptSecret(input.url, key),
      events: JSON.stringify(input.events),
      chatFilter: input.chatFilter ?? null,
      enabled: input.enabled ?? true,
      allServers: input.serverIds === undefined,
      ownerId: input.ownerId,
      servers: input.serverIds ? { create: input.serverIds.map((serverId) => ({ serverId })) } : undefined,
    },
  });
  return row.id;
}

/** The next outcome that matches (registered before the action that causes it). */
export function nextOutcome(
  dispatcher: Pick<WebhookDispatcher, "onOutcome">,
  match: (o: DeliveryOutcome) => boolean,
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    const off = dispatcher.onOutcome((o) => {
      if (!match(o)) return;
      off();
      resolve(o);
    });
  });
}
