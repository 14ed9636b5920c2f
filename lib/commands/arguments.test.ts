import { describe, expect, it } from "vitest";
import {
  argumentListSchema,
  parseDurationSeconds,
  resolveArguments,
  type ArgumentDefinition,
} from "./arguments.ts";
import { syntaxFor } from "./syntax.ts";

const INJECTIONS = ["; quit", 'de_dust2" ; quit', "a\nquit", "a\rquit", "a\0quit", "x".repeat(5000)];
const players = [
  { id: "7", plainName: "Alice" },
  { id: "12", plainName: "Bob" },
];
const cs2 = { players, syntax: syntaxFor("cs2") };

function resolve(def: ArgumentDefinition, value: string | number, context = cs2) {
  return resolveArguments([def], { [def.name]: value }, context);
}
function rendered(def: ArgumentDefinition, value: string | number, context = cs2) {
  const r = resolve(def, value, context);
  if (!r.ok) throw new Error(JSON.stringify(r.fieldErrors));
  return r.values[def.name]!.rendered;
}

describe("choice", () => {
  const map: ArgumentDefinition = {
    type: "choice",
    name: "map",
    label: "Map",
    values: ["de_dust2", "de_inferno"],
  };
  it("takes a listed value as it is", () => expect(rendered(map, "de_inferno")).toBe("de_inferno"));
  it.each([...INJECTIONS, "de_dust", "DE_DUST2", " de_dust2"])("refuses %j", (v) => {
    expect(resolve(map, v).ok).toBe(false);
  });
  it("refuses choice values that could break a command at definition time", () => {
    for (const bad of ["a;b", 'a"', "a\nb", "{x}", "a\\b", "§a"])
      expect(argumentListSchema.safeParse([{ ...map, values: [bad] }]).success).toBe(false);
  });
});

describe("number", () => {
  const minutes: ArgumentDefinition = {
    type: "number",
    name: "n",
    label: "N",
    min: 1,
    max: 60,
    integer: true,
  };
  it("renders a plain decimal", () => {
    expect(rendered(minutes, "5")).toBe("5");
    expect(rendered(minutes, 60)).toBe("60");
    expect(rendered({ ...minutes, integer: false }, "2.50")).toBe("2.5");
  });
  it.each([...INJECTIONS, "0", "61", "-1", "1e1", "0x10", "2.5", "5 ; quit", "Infinity", "NaN", "", " "])(
    "refuses %j",
    (v) => expect(resolve(minutes, v).ok).toBe(false),
  );
  it("refuses a number out of bounds sent as a number", () => expect(resolve(minutes, 1000).ok).toBe(false));
});

describe("duration", () => {
  const wait: ArgumentDefinition = {
    type: "duration",
    name: "wait",
    label: "Wait",
    minSeconds: 60,
    maxSeconds: 7200,
    unit: "seconds",
  };
  it("parses units and combinations", () => {
    expect(parseDurationSeconds("5m")).toBe(300);
    expect(parseDurationSeconds("1h30m")).toBe(5400);
    expect(parseDurationSeconds("90s")).toBe(90);
    expect(rendered(wait, "1h30m")).toBe("5400");
    expect(rendered({ ...wait, unit: "minutes" }, "5m")).toBe("5");
  });
  it.each([...INJECTIONS, "5m; quit", "30s", "3h", "5", "-5m", "5 m x", "90s"])("refuses %j", (v) => {
    expect(resolve({ ...wait, unit: "minutes" }, v).ok).toBe(false);
  });
});

describe("player", () => {
  const target: ArgumentDefinition = { type: "player", name: "target", label: "Player" };
  it("renders the online player's game reference and records the name", () => {
    const r = resolve(target, "12");
    expect(r.ok && r.values.target).toEqual({ rendered: "12", recorded: { id: "12", name: "Bob" } });
  });
  it.each([...INJECTIONS, "99", "Alice", "#7"])("refuses %j (not an online player id)", (v) => {
    expect(resolve(target, v).ok).toBe(false);
  });
  it("refuses a player who left", () => {
    expect(resolve(target, "7", { ...cs2, players: players.slice(1) }).ok).toBe(false);
  });
  it("refuses a listed player whose id is not a plain token", () => {
    expect(resolve(target, "a b;quit", { ...cs2, players: [{ id: "a b;quit", plainName: "x" }] }).ok).toBe(
      false,
    );
  });
});

describe("text, with each game's escaping", () => {
  const text: ArgumentDefinition = { type: "text", name: "msg", label: "Message", maxLength: 100 };
  it("quotes on Source games and Quake 3, leaves bare where one packet is one command", () => {
    expect(rendered(text, " hello world ")).toBe('"hello world"');
    expect(rendered(text, "hello", { players, syntax: syntaxFor("openarena") })).toBe('"hello"');
    expect(rendered(text, 'say "hi"', { players, syntax: syntaxFor("minecraft") })).toBe('say "hi"');
    expect(rendered(text, "hi; there", { players, syntax: syntaxFor("arma3") })).toBe("hi; there");
  });
  it.each(INJECTIONS)("refuses %j on Source games", (v) => expect(resolve(text, v).ok).toBe(false));
  it.each(["a\nb", "a\0b", "a\u2028b", "a\u0085b", "x".repeat(101)])("refuses %j everywhere", (v) => {
    for (const game of ["cs2", "minecraft", "arma3", "openarena", "rust", "squad", "unknown-game"])
      expect(resolve(text, v, { players, syntax: syntaxFor(game) }).ok).toBe(false);
  });
  it("refuses Quake 3 separators, formats, info-string backslashes, colour codes and non-ASCII", () => {
    for (const v of ["a;b", 'a"b', "100%s", "a\\b", "^1red", "café"])
      expect(resolve(text, v, { players, syntax: syntaxFor("urbanterror") }).ok).toBe(false);
  });
  it("refuses Minecraft colour codes", () => {
    expect(resolve(text, "§4red", { players, syntax: syntaxFor("minecraft") }).ok).toBe(false);
  });
});

describe("the value set", () => {
  const defs: ArgumentDefinition[] = [{ type: "choice", name: "map", label: "Map", values: ["a"] }];
  it("refuses unknown and missing names", () => {
    expect(resolveArguments(defs, { map: "a", extra: "x" }, cs2)).toMatchObject({
      ok: false,
      fieldErrors: { extra: ["This command has no such argument"] },
    });
    expect(resolveArguments(defs, {}, cs2)).toMatchObject({
      ok: false,
      fieldErrors: { map: ["Enter a value"] },
    });
  });
  it("is not fooled by inherited names", () => {
    expect(
      resolveArguments([{ type: "text", name: "constructor", label: "x", maxLength: 10 }], {}, cs2).ok,
    ).toBe(false);
  });
});
