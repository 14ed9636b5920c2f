/** The composition of the receivers from the environment: off unless configured, loopback in demo mode, refusals reported. */
import { createSocket } from "node:dgram";
import { describe, expect, it, vi } from "vitest";
import { FakeHubClock } from "../testing/fake-hub-clock.ts";
import { startGameLogs } from "./start.ts";

const KEY = Buffer.alloc(32, 3);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const none = { udpListen: null, udpAddress: null, httpBase: null };

describe("game log service", () => {
  it("is off without configuration outside demo mode: no hub options, the path is not taken", async () => {
    const service = await startGameLogs({
      env: none,
      demo: false,
      dashboard: { host: "127.0.0.1", port: 3000 },
      encryptionKey: KEY,
      logger: quiet,
    });
    expect(service.hubOptions).toBeUndefined();
    expect(service.handle({ url: "/api/game-logs/a/b" } as never, {} as never, "127.0.0.1")).toBe(false);
    await service.close();
  });

  it("receives on loopback in demo mode, and reports what it refused once a minute", async () => {
    const clock = new FakeHubClock();
    const warnings: unknown[] = [];
    const logger = {
      ...quiet,
      warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }),
    };
    const service = await startGameLogs({
      env: none,
      demo: true,
      dashboard: { host: "0.0.0.0", port: 3000 },
      encryptionKey: KEY,
      logger,
      clock,
    });
    const endpoints = service.hubOptions?.endpoints;
    expect(endpoints?.httpBase).toBe("http://127.0.0.1:3000");
    expect(endpoints?.udp).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = Number(endpoints?.udp?.split(":")[1]);
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) =>
      stranger.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x52, 0x4c, 0x0a, 0]), port, "127.0.0.1", () =>
        resolve(),
      ),
    );
    await vi.waitFor(() => expect(service.hubOptions?.receiver.refusals()["unknown-source"]).toBe(1));
    clock.advance(60_000);
    expect(warnings).toEqual([
      { message: "game log lines refused in the last minute", fields: { "unknown-source": 1 } },
    ]);
    clock.advance(60_000); // nothing new: nothing said
    expect(warnings).toHaveLength(1);
    stranger.close();
    await service.close();
  });
});
