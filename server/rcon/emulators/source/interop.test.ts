/** Interoperability: the third-party npm client `rcon-client` talks to our emulator. */
import { Rcon } from "rcon-client";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../registry.ts";
import type { SourceEmulator } from "./emulator.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function start(game: string): Promise<SourceEmulator> {
  const emu = await startEmulator("source", {
    password: "secret",
    game,
    players: 5,
    seed: 9,
    activity: 0,
    extra: { "ban-after": 0 },
  });
  cleanups.push(() => emu.close());
  return emu;
}

describe("rcon-client against our emulator", () => {
  for (const game of ["cs2", "tf2"]) {
    it(`${game}: logs in and reads status`, async () => {
      const emu = await start(game);
      const rcon = await Rcon.connect({ host: "127.0.0.1", port: emu.port, password: "secret" });
      cleanups.push(() => rcon.end());
      const status = await rcon.send("status");
      expect(status).toContain(`hostname`);
      for (const player of emu.world.humans) expect(status).toContain(player.name);
    });
  }

  it("cs2: a wrong password is refused", async () => {
    const emu = await start("cs2");
    await expect(Rcon.connect({ host: "127.0.0.1", port: emu.port, password: "wrong" })).rejects.toThrow(
      "Authentication failed",
    );
    expect(emu.loginAttempts).toBe(1);
  });

  it("minecraft: logs in, lists players, refuses a wrong password", async () => {
    const emu = await start("minecraft");
    const rcon = await Rcon.connect({ host: "127.0.0.1", port: emu.port, password: "secret" });
    cleanups.push(() => rcon.end());
    expect(await rcon.send("list")).toMatch(/^There are 5 of a max of 20 players online: /);
    await expect(Rcon.connect({ host: "127.0.0.1", port: emu.port, password: "nope" })).rejects.toThrow(
      "Authentication failed",
    );
  });
});
