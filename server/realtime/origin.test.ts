/**
 * Cross-site WebSocket hijacking: a page on another port of the same host is same-site, so the
 * browser sends the session cookie along. socket.io refuses every request whose Origin is not the
 * dashboard's own (handshakes on both transports, and requests that carry a session id).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectionHub } from "../hub/hub.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { startHub } from "../testing/hub.ts";
import {
  createTestUser,
  emitAck,
  sessionCookie,
  startRealtime,
  type RunningRealtime,
} from "../testing/realtime.ts";

/** A raw engine.io request, so headers and the session id are exactly what a page could send. */
function raw(
  url: string,
  options: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("socket.io Origin check (real server, real clients)", () => {
  let t: TestDatabase;
  let hub: ConnectionHub;
  let r: RunningRealtime;
  let cookie: string;
  const DASHBOARD = "https://rcon.example.com";

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    cookie = await sessionCookie(t.db, await createTestUser(t.db, "owner", "OWNER"));
    hub = await startHub(t.db, { encryptionKey: Buffer.alloc(32) });
    r = await startRealtime({ db: t.db, hub, allowedOrigins: [`${DASHBOARD}/`, "http://10.0.0.5:3000"] });
  });

  afterAll(async () => {
    await r.close();
    await hub.stop();
    await t.drop();
  });

  it("refuses an Owner's cookie from a page on another port of the same host (WebSocket and polling)", async () => {
    const sameSite = r.url.replace(/:\d+$/, ":4000");
    await expect(r.client({ cookie, origin: sameSite })).rejects.toThrow();
    await expect(r.client({ cookie, origin: sameSite, transports: ["polling"] })).rejects.toThrow();
    await expect(r.client({ cookie, origin: "null" })).rejects.toThrow();
    await expect(r.client({ cookie, origin: "https://rcon.example.com.evil.test" })).rejects.toThrow();
  });

  it("accepts the dashboard's own origins, and clients that send no Origin (not browsers)", async () => {
    for (const origin of [DASHBOARD, "http://10.0.0.5:3000", undefined]) {
      const socket = await r.client({ cookie, ...(origin ? { origin } : {}) });
      expect(await emitAck(socket, "servers:watch", {})).toMatchObject({ ok: true });
      socket.disconnect();
    }
  });

  it("refuses a request carrying a valid session id when its Origin is foreign", async () => {
    const base = `${r.url}/socket.io/?EIO=4&transport=polling`;
    const open = await raw(base, { method: "GET", headers: { cookie } });
    const sid = /"sid":"([^"]+)"/.exec(open.body)?.[1];
    expect(sid).toBeTruthy();
    const foreign = await raw(`${base}&sid=${sid}`, {
      method: "POST",
      headers: { cookie, origin: "http://127.0.0.1:4000", "content-type": "text/plain" },
      body: "40",
    });
    expect(foreign.status).toBe(400);
    const own = await raw(`${base}&sid=${sid}`, {
      method: "POST",
      headers: { cookie, origin: DASHBOARD, "content-type": "text/plain" },
      body: "40",
    });
    expect(own).toEqual({ status: 200, body: "ok" });
  });
});
