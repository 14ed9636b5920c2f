import { describe, expect, it } from "vitest";
import { maskSecretAnswer, maskSecretCommand, MASK } from "../../../lib/console/secrets.ts";
import type { Dialect } from "../types.ts";
import { BATTLEYE_DIALECTS } from "./battleye/dialects/index.ts";
import { banIdentities, eventIdentities, readIdentities } from "./privacy.ts";
import { userinfoIdentities } from "./quake3/dialects/common.ts";
import { QUAKE3_DIALECTS } from "./quake3/dialects/index.ts";
import { SOURCE_DIALECTS } from "./source/dialects/index.ts";
import { minecraftUuids } from "./source/dialects/minecraft.ts";
import { squadIdentities } from "./source/dialects/squad.ts";

const ALL: readonly Dialect[] = [...SOURCE_DIALECTS, ...QUAKE3_DIALECTS, ...BATTLEYE_DIALECTS];

describe("dialect privacy data", () => {
  it("every dialect masks each secret it declares, in the command and in an answer naming it", () => {
    for (const dialect of ALL) {
      const { secrets } = dialect.privacy;
      for (const name of secrets.settings) {
        const set = maskSecretCommand(`${name} Zz9value`, secrets);
        expect(set.text, dialect.id).toBe(`${name} ${MASK}`);
        expect(
          maskSecretAnswer(`"${name}" is:"Zz9value^7"`, secrets, maskSecretCommand(name, secrets)),
          dialect.id,
        ).not.toContain("Zz9value");
      }
      for (const command of secrets.commands) {
        const run = maskSecretCommand(`${command} Zz9value`, secrets);
        expect(run.text, dialect.id).toBe(`${command} ${MASK}`);
        expect(maskSecretAnswer("done: Zz9value", secrets, run), dialect.id).not.toContain("Zz9value");
      }
    }
  });

  it("Quake 3: a player's userinfo (dumpuser) shows the join password the client sent, masked", () => {
    const openarena = QUAKE3_DIALECTS.find((d) => d.id === "openarena") as Dialect;
    const dumpuser =
      "userinfo\n--------\nip                   203.0.113.9:27960\npassword             Zz9join\nname                 Bob\n";
    const shown = maskSecretAnswer(
      dumpuser,
      openarena.privacy.secrets,
      maskSecretCommand("dumpuser Bob", openarena.privacy.secrets),
    );
    expect(shown).toContain(`password             ${MASK}`);
    expect(shown).toContain("name                 Bob");
  });

  it("says which games' player ids are identities: the SteamID64 games", () => {
    expect(ALL.filter((d) => d.privacy.playerIdIsIdentity).map((d) => d.id)).toEqual([
      "rust",
      "ark",
      "palworld",
    ]);
  });

  it("reads identities with the games' own formats", () => {
    expect(
      squadIdentities(
        "ID: 1 | SteamID: 76561198000000001 | Name: A | Team ID: 1 |\n[ChatAll] [Online IDs:EOS: 0002abcdef0123456789abcdef012345 steam: 76561198000000002] B : hi\nKicked player 3. [Online IDs= EOS: x steam: 76561198000000003] C",
      ),
    ).toEqual([
      { kind: "steamid", value: "76561198000000001" },
      { kind: "guid", value: "0002abcdef0123456789abcdef012345" },
      { kind: "steamid", value: "76561198000000002" },
      { kind: "guid", value: "x" },
      { kind: "steamid", value: "76561198000000003" },
    ]);
    expect(
      minecraftUuids(
        "online: Steve (069a79f4-44e9-4726-a5be-fca90e38aaf5), Alex (853c80ef3c3749fdaa49938b674adae6)",
      ).map((f) => f.value),
    ).toEqual(["069a79f4-44e9-4726-a5be-fca90e38aaf5", "853c80ef3c3749fdaa49938b674adae6"]);
    expect(
      userinfoIdentities(
        "userinfo\n--------\nip                   203.0.113.9:27960\ncl_guid              ABCDEF0123456789ABCDEF0123456789\nname                 Bob\n",
      ),
    ).toEqual([
      { kind: "ip", value: "203.0.113.9:27960" },
      { kind: "guid", value: "ABCDEF0123456789ABCDEF0123456789" },
    ]);
    expect(
      banIdentities([
        { ref: "1", kind: "name", value: "Steve", minutesLeft: null, reason: "" },
        { ref: "2", kind: "steamid", value: "STEAM_0:1:2", minutesLeft: null, reason: "" },
      ]),
    ).toEqual([{ kind: "steamid", value: "STEAM_0:1:2" }]);
    expect(eventIdentities(null)).toEqual([]);
    expect(
      eventIdentities({ kind: "player.kicked", playerId: "1", name: "a", guid: null, reason: "" }),
    ).toEqual([]);
    expect(eventIdentities({ kind: "admin.login", adminId: "0", address: "1.2.3.4:5" })).toEqual([
      { kind: "ip", value: "1.2.3.4:5" },
    ]);
  });

  it("a reader that throws finds nothing, and the others still run", () => {
    const read = readIdentities(
      () => {
        throw new Error("bad input");
      },
      (text) => [{ kind: "ip", value: text }],
    );
    expect(read("1.2.3.4")).toEqual([{ kind: "ip", value: "1.2.3.4" }]);
  });
});
