import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HIDDEN_ANSWER,
  isMaskedReplay,
  MASK,
  maskSecretAnswer,
  maskSecretCommand,
  NO_SECRETS,
  type SecretRules,
} from "./secrets.ts";

const QUAKE3: SecretRules = { settings: ["rconPassword", "g_password", "sv_privatePassword"], commands: [] };
const SOURCE: SecretRules = {
  settings: ["rcon_password", "sv_password", "sv_setsteamaccount"],
  commands: [],
};
const OTHERS: SecretRules = { settings: [], commands: ["EnableCheats", "/config set password"] };

describe("maskSecretCommand", () => {
  it("masks the value a command sets, in every spelling the consoles accept", () => {
    expect(maskSecretCommand("rconPassword hunter2", QUAKE3)).toEqual({
      text: `rconPassword ${MASK}`,
      touched: true,
      values: ["hunter2"],
    });
    expect(maskSecretCommand('set "RCONPASSWORD" "two words"', QUAKE3)).toEqual({
      text: `set "RCONPASSWORD" ${MASK}`,
      touched: true,
      values: ["two words"],
    });
    expect(maskSecretCommand("\\seta g_password x", QUAKE3).text).toBe(`\\seta g_password ${MASK}`);
    expect(maskSecretCommand("echo hi; sv_setsteamaccount ABCDEF0123; status", SOURCE).text).toBe(
      `echo hi; sv_setsteamaccount ${MASK}; status`,
    );
    expect(maskSecretCommand("EnableCheats adminpw", OTHERS).text).toBe(`EnableCheats ${MASK}`);
    expect(maskSecretCommand("/config set password letmein", OTHERS).text).toBe(
      `/config set password ${MASK}`,
    );
  });

  it("marks a read as touching a secret, and knows any *password setting without being told", () => {
    expect(maskSecretCommand("rconPassword", QUAKE3)).toEqual({
      text: "rconPassword",
      touched: true,
      values: [],
    });
    expect(maskSecretCommand("tv_relaypassword abc", NO_SECRETS).text).toBe(`tv_relaypassword ${MASK}`);
    expect(maskSecretCommand("say the password is on the wiki", NO_SECRETS)).toEqual({
      text: "say the password is on the wiki",
      touched: false,
      values: [],
    });
    expect(maskSecretCommand("status", QUAKE3)).toEqual({ text: "status", touched: false, values: [] });
  });

  it("recognises a masked command recalled from the history, which must not be sent again", () => {
    expect(isMaskedReplay(maskSecretCommand(`set g_password ${MASK}`, QUAKE3))).toBe(true);
    expect(isMaskedReplay(maskSecretCommand("set g_password hunter2", QUAKE3))).toBe(false);
    expect(isMaskedReplay(maskSecretCommand(`say ${MASK}`, QUAKE3))).toBe(false);
  });

  it("never lets a value it masked through, whatever the value", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("rconPassword", "set g_password", "rcon_password", "EnableCheats"),
        fc.string({ minLength: 1 }).filter((v) => /^[^\s;"\n]+$/.test(v)),
        (prefix, value) => {
          const masked = maskSecretCommand(`${prefix} ${value}`, {
            ...QUAKE3,
            settings: [...QUAKE3.settings, ...SOURCE.settings],
            commands: OTHERS.commands,
          });
          expect(masked.text).toBe(`${prefix} ${MASK}`);
        },
      ),
    );
  });
});

describe("maskSecretAnswer", () => {
  it("masks the values on the lines that name a secret, in the answer formats of the games", () => {
    const query = maskSecretCommand("rconPassword", QUAKE3);
    expect(maskSecretAnswer('"rconPassword" is:"secret^7" default:"^7"', QUAKE3, query)).toBe(
      `"rconPassword" is:"${MASK}" default:"${MASK}"`,
    );
    expect(
      maskSecretAnswer(
        '          rconPassword "secret"\n  U       g_password ""\n          sv_hostname "x"',
        QUAKE3,
      ),
    ).toBe(`          rconPassword "${MASK}"\n  U       g_password "${MASK}"\n          sv_hostname "x"`);
    expect(maskSecretAnswer('"sv_password" = "hunter2" ( def. "" )', SOURCE)).toBe(
      `"sv_password" = "${MASK}" ( def. "${MASK}" )`,
    );
    expect(
      maskSecretAnswer(
        'sv_password                              : hunter2  : , "nf"                 : Server password',
        SOURCE,
      ),
    ).toBe(`sv_password                              : ${MASK}  : , "nf"                 : Server password`);
    expect(maskSecretAnswer("g_password           hunter2\nmapname              oa_dm1", QUAKE3)).toBe(
      `g_password           ${MASK}\nmapname              oa_dm1`,
    );
    expect(maskSecretAnswer('rcon.password: "abc"', NO_SECRETS)).toBe(`rcon.password: "${MASK}"`);
    expect(maskSecretAnswer("Bad rconpassword.", QUAKE3)).toBe("Bad rconpassword.");
  });

  it("hides a whole answer that may hold a secret without naming it, and the values a command set", () => {
    const vstr = maskSecretCommand("vstr rconPassword", QUAKE3);
    expect(maskSecretAnswer("unknown command: secret", QUAKE3, vstr)).toBe(HIDDEN_ANSWER);
    const cheats = maskSecretCommand("EnableCheats adminpw", OTHERS);
    expect(maskSecretAnswer("", OTHERS, cheats)).toBe("");
    const set = maskSecretCommand("set g_password letmein", QUAKE3);
    expect(maskSecretAnswer("g_password is now letmein", QUAKE3, set)).not.toContain("letmein");
    expect(maskSecretAnswer("map: oa_dm1", QUAKE3, maskSecretCommand("status", QUAKE3))).toBe("map: oa_dm1");
  });
});
