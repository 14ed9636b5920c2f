/**
 * Cross-site WebSocket hijacking in Chromium: a page served on another port of the same host is
 * same-site, so the Owner's SameSite=Lax session cookie goes with its WebSocket to the dashboard.
 * The dashboard refuses that socket by its Origin; the very same script run from the dashboard's
 * own origin connects and runs the command (so the refusal is the Origin check, nothing else).
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, openServer } from "./helpers";

const BUNDLE = readFileSync("node_modules/socket.io-client/dist/socket.io.min.js", "utf8");

type Attempt =
  | { connected: false; error: string }
  | { connected: true; result: { ok: boolean; error?: { code: string } } };

/** Runs in the page: connect to the dashboard with the browser's cookies and send console:exec. */
function attempt({
  dashboard,
  serverId,
  command,
}: {
  dashboard: string;
  serverId: string;
  command: string;
}): Promise<Attempt> {
  type PageSocket = {
    on(event: string, listener: (arg: { message: string }) => void): void;
    emit(event: string, payload: unknown, ack: (result: { ok: boolean }) => void): void;
    close(): void;
  };
  const io = (window as unknown as { io: (url: string, options: object) => PageSocket }).io;
  return new Promise((resolve) => {
    const socket = io(dashboard, { transports: ["websocket"], withCredentials: true, reconnection: false });
    socket.on("connect", () =>
      socket.emit("console:exec", { serverId, command }, (result) => {
        socket.close();
        resolve({ connected: true, result });
      }),
    );
    socket.on("connect_error", (error) => {
      socket.close();
      resolve({ connected: false, error: error.message });
    });
  });
}

test.describe("socket.io from another origin", () => {
  let site: Server;
  let siteUrl: string;

  test.beforeAll(async () => {
    // The attacker's page: another port on the same host (127.0.0.1), hence the same site.
    site = createServer((req, res) => {
      if (req.url === "/socket.io.min.js")
        res.writeHead(200, { "content-type": "text/javascript" }).end(BUNDLE);
      else
        res
          .writeHead(200, { "content-type": "text/html" })
          .end('<!doctype html><title>Elsewhere</title><script src="/socket.io.min.js"></script>');
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  test.afterAll(async () => {
    await new Promise((resolve) => site.close(resolve));
  });

  test("a page on another port cannot run console:exec with the Owner's cookie; the same script from the dashboard can", async ({
    page,
    context,
    baseURL,
  }) => {
    const dashboard = baseURL ?? "";
    const serverId = await openServer(page, DEMO_SERVERS.source);
    // The browser does hold a session cookie that a same-site WebSocket would carry.
    expect(
      (await context.cookies(dashboard)).some(
        (c) => c.name.includes("session-token") && c.sameSite === "Lax",
      ),
    ).toBe(true);

    await page.goto(siteUrl);
    await expect(page).toHaveTitle("Elsewhere");
    const attack = await page.evaluate(attempt, { dashboard, serverId, command: "say cross-origin probe" });
    expect(attack).toEqual({ connected: false, error: "websocket error" });

    // Control: the same script from the dashboard's own origin connects and runs the command.
    await page.goto(`${dashboard}/servers`);
    await page.evaluate(BUNDLE);
    const own = await page.evaluate(attempt, { dashboard, serverId, command: "say same-origin probe" });
    expect(own).toMatchObject({ connected: true, result: { ok: true } });

    // Only the dashboard's command reached the game server's console.
    await openServer(page, DEMO_SERVERS.source);
    const log = page.getByRole("log", { name: "Console output" });
    await expect(log.getByText("same-origin probe").first()).toBeVisible();
    await expect(log.getByText("cross-origin probe")).toHaveCount(0);
  });
});
