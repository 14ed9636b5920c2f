import { describe, expect, it } from "vitest";
import { GAME_PRESETS } from "../games.ts";
import { colourRuleForGame } from "./colour-rule.ts";

describe("colourRuleForGame", () => {
  it("gives every Quake 3 engine preset a rule and the other families none", () => {
    for (const preset of GAME_PRESETS) {
      const rule = colourRuleForGame(preset.id, preset.protocol);
      if (preset.protocol === "quake3") expect(rule).not.toBeNull();
      else expect(rule).toBeNull();
    }
    expect(colourRuleForGame("cod4x", "quake3")).toBe("cod");
    expect(colourRuleForGame("q3", "quake3")).toBe("q3");
    expect(colourRuleForGame("future-q3-game", "quake3")).toBe("ioq3");
  });
});
