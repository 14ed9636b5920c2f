import { describe, expect, it } from "vitest";
import {
  compilePattern,
  conditionsFail,
  MAX_MATCH_TEXT,
  stepCrossing,
  triggerInputSchema,
  withinTimeOfDay,
  type CrossingRule,
} from "./triggers.ts";

const test = (kind: "text" | "glob" | "regex", pattern: string, text: string) => {
  const compiled = compilePattern(kind, pattern);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.test(text);
};

describe("trigger patterns", () => {
  it("matches plain text anywhere, globs over the whole line, regexes anywhere; all case-insensitive", () => {
    expect(test("text", "free vip", "get FREE VIP at example")).toBe(true);
    expect(test("text", "free vip", "free  vip")).toBe(false);
    expect(test("glob", "*discord.gg/*", "join discord.gg/abc now")).toBe(true);
    expect(test("glob", "discord.gg/*", "join discord.gg/abc")).toBe(false);
    expect(test("regex", "n[i1]gg", "N1GG")).toBe(true);
    expect(test("regex", "^gg$", "gg wp")).toBe(false);
  });

  it("runs a catastrophic-backtracking regex in linear time (RE2) and refuses what RE2 cannot do", () => {
    // With a backtracking engine this input takes longer than the age of the universe.
    expect(test("regex", "^(a+)+$", `${"a".repeat(400)}!`)).toBe(false);
    expect(test("regex", "(a|aa)+b", "a".repeat(400))).toBe(false);
    expect(test("regex", "^(a+)+$", "a".repeat(400))).toBe(true);
    const backreference = compilePattern("regex", "(a)\\1");
    expect(backreference.ok).toBe(false);
    expect(compilePattern("regex", "([a-z]")).toMatchObject({ ok: false });
    expect(compilePattern("text", "")).toMatchObject({ ok: false, error: "Enter a pattern" });
  });

  it("looks only at the first MAX_MATCH_TEXT characters of a line", () => {
    const long = `${"x".repeat(MAX_MATCH_TEXT)}needle`;
    expect(test("text", "needle", long)).toBe(false);
    expect(test("text", "needle", long.slice(10))).toBe(true);
  });
});

describe("trigger conditions", () => {
  it("reads the time of day in the trigger's time zone, windows past midnight wrap", () => {
    const at = new Date("2026-06-01T21:30:00Z"); // 23:30 in Berlin (summer time)
    expect(withinTimeOfDay(at, "22:00", "06:00", "Europe/Berlin")).toBe(true);
    expect(withinTimeOfDay(at, "22:00", "06:00", "UTC")).toBe(false);
    expect(withinTimeOfDay(at, "21:00", "22:00", "UTC")).toBe(true);
    expect(withinTimeOfDay(at, "21:30", "21:30", "UTC")).toBe(true);
  });

  it("checks a player-count range; an unknown count fails it", () => {
    const at = new Date("2026-06-01T12:00:00Z");
    expect(conditionsFail({ timeZone: "UTC", minPlayers: 5 }, at, 4)).toBe("fewer than 5 players");
    expect(conditionsFail({ timeZone: "UTC", minPlayers: 5, maxPlayers: 10 }, at, 10)).toBeNull();
    expect(conditionsFail({ timeZone: "UTC", maxPlayers: 10 }, at, 11)).toBe("more than 10 players");
    expect(conditionsFail({ timeZone: "UTC", minPlayers: 1 }, at, null)).toBe("player count unknown");
    expect(conditionsFail({ timeZone: "UTC", timeFrom: "13:00", timeTo: "14:00" }, at, 3)).toContain(
      "outside",
    );
  });
});

describe("player-count crossing", () => {
  const run = (rule: CrossingRule, counts: number[]) => {
    let armed: boolean | null = null;
    const fired: number[] = [];
    for (const count of counts) {
      const step = stepCrossing(rule, armed, count);
      armed = step.armed;
      if (step.fired) fired.push(count);
    }
    return fired;
  };

  it("fires going up once, and again only after falling below threshold minus hysteresis", () => {
    const rule: CrossingRule = { threshold: 10, direction: "up", hysteresis: 3 };
    // 10 is reached, wobbles 9/10/9/10 without re-arming, falls to 7 (re-armed), reaches 11.
    expect(run(rule, [5, 8, 10, 9, 10, 9, 10, 7, 11])).toEqual([10, 11]);
  });

  it("fires going down symmetrically, and never for the first count after a connect", () => {
    const rule: CrossingRule = { threshold: 2, direction: "down", hysteresis: 2 };
    expect(run(rule, [1, 0, 3, 4, 2, 3, 2, 5, 1])).toEqual([2, 1]);
  });
});

describe("trigger form schema", () => {
  const base = {
    name: "Anti-spam",
    serverIds: ["s1"],
    event: "chat",
    match: { pattern: "spam" },
    action: { kind: "kick", text: "spam" },
  };
  const errors = (input: unknown) => {
    const parsed = triggerInputSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("accepts a complete trigger with defaults", () => {
    const parsed = triggerInputSchema.parse(base);
    expect(parsed).toMatchObject({ cooldownSeconds: 60, dryRun: false, match: { patternKind: "text" } });
  });

  it("refuses what cannot work, field by field", () => {
    expect(errors({ ...base, serverIds: [] })).toContain("serverIds: Choose at least one server");
    expect(errors({ ...base, match: { pattern: "" } })).toContain("match.pattern: Enter a pattern");
    expect(errors({ ...base, match: { patternKind: "regex", pattern: "(a)\\1" } })[0]).toMatch(
      /^match.pattern: Not a supported regular expression/,
    );
    expect(errors({ ...base, event: "server_offline" })).toContain(
      "action.kind: This event has no online player to act on",
    );
    expect(errors({ ...base, event: "player_count" })).toContain("match.threshold: Enter a threshold");
    expect(errors({ ...base, conditions: { timeFrom: "22:00" } })).toContain(
      "conditions.timeTo: Give both times, or neither",
    );
    expect(errors({ ...base, conditions: { timeZone: "Mars/Olympus" } })).toContain(
      "conditions.timeZone: Not a known time zone",
    );
    expect(errors({ ...base, name: "two\nlines" })).toContain("name: The name is one line");
    expect(errors({ ...base, action: { kind: "command" } })).toContain(
      "action.commandId: Choose a custom command",
    );
  });
});
