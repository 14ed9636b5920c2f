/**
 * A hub in a process of its own, for the crash test (seq-reservations.test.ts): it floods itself
 * through a loopback game server and prints the seq of every console line it hands out, until the
 * test SIGKILLs it. Env: DATABASE_URL, SERVER_ID (a source/cs2 row; its port is rewritten).
 */
import { createDb } from "../../db/client.ts";
import { ConnectionHub } from "../hub.ts";
import { startHostileSource } from "./hostile-source.ts";

const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const db = createDb(process.env.DATABASE_URL ?? "");
const serverId = process.env.SERVER_ID ?? "";
const source = await startHostileSource();
await db.server.update({ where: { id: serverId }, data: { port: source.port } });
const hub = new ConnectionHub({
  db,
  encryptionKey: KEY,
  logger: silent,
  budget: { burst: 1e9, linesPerSecond: 1e9 },
});
hub.on((event) => {
  // Synchronous on a pipe (Linux): a printed seq was handed out before any kill.
  if (event.type === "line" && event.line.serverId === serverId) process.stdout.write(`${event.line.seq}\n`);
});
await hub.start();
let n = 0;
setInterval(() => {
  for (const client of source.clients) for (let i = 0; i < 50; i++) client.send(0, `pushed ${n++}`);
}, 2);
