/**
 * Every dialect marks its dangerous commands (lib/commands/policy.ts reads them): per game, the
 * commands that stop the server, change a password, run config files or empty a ban list need a
 * confirmation, and everyday commands do not.
 */
import { describe, expect, it } from "vitest";
import { evaluateCommand, type PolicyRole } from "../../../lib/commands/policy.ts";
import { loadAllFamilies } from "../registry.ts";
import type { Dialect } from "../types.ts";

const OWNER: PolicyRole = { id: "OWNER", name: "OWNER", unrestricted: true, rules: [] };

const CASES: Record<string, { dangerous: string[]; harmless: string[] }> = {
  cs2: {
    dangerous: [
      "quit",
      "_restart",
      "rcon_password newpass",
      "sv_password secret",
      "exec server.cfg",
      "status; quit",
      "writeip",
    ],
    harmless: ["status", "changelevel de_dust2", "say hello", "rcon_password", "sv_password"],
  },
  csgo: { dangerous: ["exit", "killserver"], harmless: ["users"] },
  tf2: { dangerous: ["restart"], harmless: ["listid"] },
  gmod: { dangerous: ["writeid"], harmless: ["maps *"] },
  l4d2: { dangerous: ["sv_setsteamaccount ABC"], harmless: ["stats"] },
  minecraft: {
    dangerous: ["stop", "/stop", "minecraft:stop", "op Steve", "whitelist off", "save-off"],
    harmless: ["list", "whitelist on", "say hi"],
  },
  rust: {
    dangerous: ["quit", "global.restart", "rcon.password x", "ownerid 7656119"],
    harmless: ["status", "server.save"],
  },
  "rust-webrcon": {
    dangerous: ["quit", "global.restart", "rcon.password x", "kickall", "global.kickall"],
    harmless: ["playerlist", "serverinfo", "server.writecfg", "banlistex"],
  },
  ark: { dangerous: ["DoExit", "doexit", "DestroyWildDinos"], harmless: ["ListPlayers", "SaveWorld"] },
  squad: {
    dangerous: ["AdminEndMatch", "AdminSetServerPassword x"],
    harmless: ["ListPlayers", "AdminBroadcast hi"],
  },
  factorio: {
    dangerous: ["/quit", "/config set password x", "/c game.print(1)", "/promote bob"],
    harmless: ["/players", "/config get max-players"],
  },
  palworld: { dangerous: ["Shutdown 60 bye", "DoExit"], harmless: ["ShowPlayers"] },
  arma3: {
    dangerous: ["#shutdown", "#restart", "#init", "#exec ban 1", "RConPassword x", "loadBans", "writeBans"],
    harmless: ["players", "say -1 hi", "bans"],
  },
  dayz: { dangerous: ["#shutdown"], harmless: ["players"] },
  arma2: { dangerous: ["#restartserver"], harmless: ["players"] },
  q3: {
    dangerous: [
      "quit",
      "killserver",
      "exec server.cfg",
      "flushbans",
      "rconpassword x",
      "set rconpassword x",
      "seta g_password x",
      "sets sv_privatePassword x",
      'set g_banIPs ""',
    ],
    harmless: ["status", "serverinfo", "set g_gametype 1", "g_password", "map q3dm17"],
  },
  openarena: { dangerous: ["quit", "set rconPassword x"], harmless: ["status"] },
  ioq3: { dangerous: ["flushbans"], harmless: ["listbans"] },
  etlegacy: { dangerous: ["quit"], harmless: ["status"] },
  cod4: { dangerous: ["quit", "set rcon_password x"], harmless: ["status"] },
  cod4x: { dangerous: ["quit"], harmless: ["status"] },
  urbanterror: { dangerous: ["quit", "g_password x"], harmless: ["status"] },
  "openarena-legacy": { dangerous: ["quit"], harmless: ["status"] },
};

const dialects: Dialect[] = (await loadAllFamilies()).flatMap((f) => [...f.dialects]);

describe("dangerous commands per dialect", () => {
  it("every dialect has a case here (a new game must declare and test its dangerous commands)", () => {
    expect(dialects.map((d) => d.id).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(dialects.map((d) => [d.id, d] as const))("%s", (_id, dialect) => {
    const cases = CASES[dialect.id] as { dangerous: string[]; harmless: string[] };
    for (const command of cases.dangerous) {
      const danger = evaluateCommand(OWNER, dialect, command).dangerous;
      expect(danger.length, command).toBeGreaterThan(0);
      expect(danger[0]?.dangerous?.reason, command).toMatch(/\w{4}/);
    }
    for (const command of cases.harmless)
      expect(evaluateCommand(OWNER, dialect, command).dangerous, command).toEqual([]);
    expect(dialect.dangerous.every((d) => d.reason.length > 5)).toBe(true);
  });
});
