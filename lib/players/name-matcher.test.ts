import { describe, expect, it } from "vitest";
import { createNameMatcher, nameMatcherKey } from "./name-matcher.ts";

const names = (segments: readonly { text: string; playerId: string | null }[]) =>
  segments.map((s) => (s.playerId ? `[${s.text}→${s.playerId}]` : s.text)).join("");

describe("console name matcher", () => {
  it("marks every player's name in a line, raw (colour codes kept) or plain", () => {
    const matcher = createNameMatcher([
      { playerId: "p1", names: ["^1Red^7Baron", "RedBaron"] },
      { playerId: "p2", names: ["Zoë Ñandú"] },
    ])!;
    expect(names(matcher.split("^1Red^7Baron joined"))).toBe("[^1Red^7Baron→p1] joined");
    expect(names(matcher.split("RedBaron: gg Zoë Ñandú!"))).toBe("[RedBaron→p1]: gg [Zoë Ñandú→p2]!");
    expect(names(matcher.split("nobody here"))).toBe("nobody here");
  });

  it("does not match inside longer words, prefers the longest name, and skips very short names", () => {
    const matcher = createNameMatcher([
      { playerId: "bob", names: ["Bob"] },
      { playerId: "bob2", names: ["Bob (2)"] },
      { playerId: "jo", names: ["Jo"] },
    ])!;
    expect(names(matcher.split("Bobby greets Bob and Bob (2), Jo waves"))).toBe(
      "Bobby greets [Bob→bob] and [Bob (2)→bob2], Jo waves",
    );
  });

  it("treats names with regular-expression characters literally", () => {
    const matcher = createNameMatcher([{ playerId: "x", names: ["[TAG] a.b*c"] }])!;
    expect(names(matcher.split("[TAG] a.b*c left; [TAG] aXbbc stays"))).toBe(
      "[[TAG] a.b*c→x] left; [TAG] aXbbc stays",
    );
  });

  it("opens nobody for a name two players share", () => {
    const matcher = createNameMatcher([
      { playerId: "a", names: ["Player"] },
      { playerId: "b", names: ["Player"] },
      { playerId: "c", names: ["Other"] },
    ])!;
    expect(names(matcher.split("Player kicked Other"))).toBe("Player kicked [Other→c]");
    expect(createNameMatcher([{ playerId: "a", names: ["ab"] }])).toBeNull();
  });

  it("answers the same segments for a line seen again, and keys by names only", () => {
    const matcher = createNameMatcher([{ playerId: "p", names: ["Alice"] }])!;
    expect(matcher.split("Alice joined")).toBe(matcher.split("Alice joined"));
    expect(nameMatcherKey([{ playerId: "p", names: ["Alice", "Alice"] }])).toBe(matcher.key);
    expect(nameMatcherKey([{ playerId: "q", names: ["Alice"] }])).not.toBe(matcher.key);
  });
});
