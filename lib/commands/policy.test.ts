import { describe, expect, it } from "vitest";
import { globMatches } from "./glob.ts";
import {
  dangerMessage,
  evaluateCommand,
  parsePart,
  refusalMessage,
  splitCommands,
  type PolicyDialect,
  type PolicyRole,
  type PolicyRule,
} from "./policy.ts";

const source: PolicyDialect = {
  family: "source",
  dangerous: [
    { command: "quit", reason: "stops the server" },
    { command: "rcon_password", args: "?*", reason: "changes the RCON password" },
    { command: "stop", reason: "stops Minecraft" },
  ],
  indirect: [{ command: "alias" }],
};
const quake3: PolicyDialect = {
  family: "quake3",
  dangerous: [{ command: "quit", reason: "stops the server" }],
};

const custom = (rules: PolicyRule[], name = "Map helper"): PolicyRole => ({
  id: "r1",
  name,
  unrestricted: false,
  rules,
});
const admin: PolicyRole = { id: "ADMIN", name: "ADMIN", unrestricted: true, rules: [] };

describe("globMatches", () => {
  it("matches * (also empty) and ? (exactly one), case-insensitively, everything else literally", () => {
    expect(globMatches("sv_*", "SV_Cheats")).toBe(true);
    expect(globMatches("sv_*", "sv_")).toBe(true);
    expect(globMatches("set?", "seta")).toBe(true);
    expect(globMatches("set?", "set")).toBe(false);
    expect(globMatches("*password*", "rcon_password")).toBe(true);
    expect(globMatches("a.b", "axb")).toBe(false);
    expect(globMatches("[ab]", "a")).toBe(false);
    expect(globMatches("map", "maps")).toBe(false);
  });

  it("stays fast on a pattern built to make backtracking matchers explode", () => {
    const pattern = `${"*a".repeat(100)}b`;
    const text = "a".repeat(5000);
    // A regex-based glob is exponential here; this one answers at once (the suite would time out otherwise).
    expect(globMatches(pattern, text)).toBe(false);
  });
});

describe("parsing", () => {
  it("splits at ; and line breaks outside quotes only", () => {
    expect(splitCommands("status; rcon_password x")).toEqual(["status", "rcon_password x"]);
    expect(splitCommands('say "a;b"; quit')).toEqual(['say "a;b"', "quit"]);
    expect(splitCommands("status\nquit;;")).toEqual(["status", "quit"]);
  });

  it("reads the name without a leading slash, lower case, and the readings a game could take", () => {
    expect(parsePart("/STOP now  please")).toMatchObject({ name: "stop", args: "now please" });
    expect(parsePart("minecraft:stop").readings).toContain("stop");
    expect(parsePart("quit'x").readings).toContain("quit");
    expect(parsePart('"quit" 1')).toMatchObject({ name: "quit", args: "1" });
  });
});

describe("evaluateCommand", () => {
  it("deny wins over an earlier allow, and the refusal names rule, role and pattern", () => {
    const role = custom([
      { effect: "allow", command: "*" },
      { effect: "allow", command: "changelevel" },
      { effect: "deny", command: "rcon_password", args: "*" },
    ]);
    const d = evaluateCommand(role, source, "rcon_password hunter2");
    expect(d.allowed).toBe(false);
    expect(refusalMessage(d)).toBe('Refused by rule 3 of role "Map helper": deny "rcon_password *"');
    expect(evaluateCommand(role, source, "changelevel de_dust2").allowed).toBe(true);
    const allowed = evaluateCommand(role, source, "changelevel de_dust2").parts[0];
    expect(allowed?.by).toMatchObject({ kind: "rule", number: 1 });
  });

  it("checks every ;-chained part: a forbidden command hidden after an allowed one is refused", () => {
    const role = custom([{ effect: "deny", command: "rcon_password" }]);
    const d = evaluateCommand(role, source, "status; rcon_password x");
    expect(d.allowed).toBe(false);
    expect(d.refused?.text).toBe("rcon_password x");
    expect(refusalMessage(d)).toBe(
      'Refused by rule 1 of role "Map helper": deny "rcon_password" (in "rcon_password x")',
    );
    // Quoted ; is an argument, not a second command.
    expect(evaluateCommand(role, source, 'say "rcon_password; later"').allowed).toBe(true);
  });

  it("a deny rule catches the name however the game reads it (slash, case, namespace, Source break characters)", () => {
    const role = custom([
      { effect: "deny", command: "stop" },
      { effect: "deny", command: "quit" },
    ]);
    for (const cmd of ["stop", "/STOP", "minecraft:stop", "quit'", "Quit", '"quit"'])
      expect(evaluateCommand(role, source, cmd).allowed, cmd).toBe(false);
    expect(evaluateCommand(role, source, "stopwatch").allowed).toBe(true);
  });

  it("argument globs narrow a rule; no args pattern means any arguments", () => {
    const role = custom([
      { effect: "deny", command: "changelevel", args: "de_*" },
      { effect: "deny", command: "sv_*" },
    ]);
    expect(evaluateCommand(role, source, "changelevel de_dust2").allowed).toBe(false);
    expect(evaluateCommand(role, source, "changelevel cs_office").allowed).toBe(true);
    expect(evaluateCommand(role, source, "sv_cheats 1").allowed).toBe(false);
    expect(evaluateCommand(role, source, "sv_cheats").allowed).toBe(false);
  });

  it("without a matching rule, most families allow; Quake 3 allows only its built-in allowlist", () => {
    const role = custom([]);
    expect(evaluateCommand(role, source, "changelevel x").allowed).toBe(true);
    expect(evaluateCommand(role, source, "changelevel x").parts[0]?.by.kind).toBe("default");
    for (const cmd of ["status", "serverinfo", "systeminfo", "say hello"])
      expect(evaluateCommand(role, quake3, cmd).allowed, cmd).toBe(true);
    const unknown = evaluateCommand(role, quake3, "hello everyone");
    expect(unknown.allowed).toBe(false);
    expect(refusalMessage(unknown)).toMatch(
      /^Refused by the default policy of role "Map helper": on Quake 3 games only status/,
    );
    expect(evaluateCommand(role, quake3, "status; map q3dm17").allowed).toBe(false);
    // A rule extends the allowlist; the Quake 3 allowlist does not read through namespaces.
    expect(evaluateCommand(custom([{ effect: "allow", command: "map" }]), quake3, "map q3dm17").allowed).toBe(
      true,
    );
    expect(evaluateCommand(role, quake3, "status:x").allowed).toBe(false);
  });

  it("allow rules make a role an allowlist: anything they do not match is refused", () => {
    const role = custom([
      { effect: "allow", command: "changelevel" },
      { effect: "allow", command: "say" },
    ]);
    expect(evaluateCommand(role, source, "say hi").allowed).toBe(true);
    const d = evaluateCommand(role, source, "say hi; sv_cheats 1");
    expect(d.allowed).toBe(false);
    expect(refusalMessage(d)).toBe(
      'Refused by the default policy of role "Map helper": no allow rule matches it (in "sv_cheats 1")',
    );
    // With deny rules only, the rest stays allowed.
    expect(
      evaluateCommand(custom([{ effect: "deny", command: "quit" }]), source, "sv_cheats 1").allowed,
    ).toBe(true);
  });

  it("built-in Owner/Admin are unrestricted, also on Quake 3", () => {
    expect(evaluateCommand(admin, quake3, "anything at all").allowed).toBe(true);
    expect(evaluateCommand(admin, source, "quit").allowed).toBe(true);
  });

  it("a role with deny rules cannot walk around them through indirect commands unless a rule allows those", () => {
    const role = custom([{ effect: "deny", command: "quit" }]);
    const d = evaluateCommand(role, source, 'alias x "quit"; x');
    expect(d.allowed).toBe(false);
    expect(refusalMessage(d)).toMatch(/runs other commands the policy cannot check/);
    const allowing = custom([
      { effect: "deny", command: "quit" },
      { effect: "allow", command: "alias" },
    ]);
    expect(evaluateCommand(allowing, source, 'alias x "say hi"').allowed).toBe(true);
    // Without deny rules there is nothing to walk around.
    expect(evaluateCommand(custom([]), source, 'alias x "say hi"').allowed).toBe(true);
  });

  it("marks dangerous parts for every role, Admins included, with the reason", () => {
    const d = evaluateCommand(admin, source, "status; quit");
    expect(d.allowed).toBe(true);
    expect(d.dangerous.map((p) => p.name)).toEqual(["quit"]);
    expect(dangerMessage(d)).toBe("This command is dangerous: quit: stops the server.");
    expect(evaluateCommand(admin, source, "rcon_password").dangerous).toEqual([]); // reading it is harmless
    expect(evaluateCommand(admin, source, "rcon_password new").dangerous).toHaveLength(1);
    expect(evaluateCommand(admin, source, "minecraft:stop").dangerous).toHaveLength(1);
    expect(dangerMessage(evaluateCommand(admin, source, "status"))).toBeNull();
    expect(evaluateCommand(admin, null, "quit").dangerous).toEqual([]);
  });
});
