/**
 * Games without private messages get a broadcast addressed to the player ("Name: text"). A player
 * picks their own name, so a name the game cannot quote must never block the message, and a
 * refusal must blame the moderator's text only (issue: CS2 and a name containing '"').
 */
import { describe, expect, it } from "vitest";
import { loadAllFamilies } from "./registry.ts";
import type { Dialect, RunCommand } from "./types.ts";

const AWKWARD_NAMES = [
  'The "Boss"',
  "semi;colon",
  'both";quit',
  "tab\there",
  "100% ^1red",
  "Zoë «ÿ» 名前",
  "'single'",
  "back\\slash",
];

function recorder() {
  const sent: string[] = [];
  const run: RunCommand = (command) => {
    sent.push(command);
    return Promise.resolve("");
  };
  return { sent, run };
}

const families = await loadAllFamilies();
const broadcastOnly: Dialect[] = families.flatMap((f) => f.dialects).filter((d) => !d.capabilities.whisper);

describe("a broadcast addressed to a player", () => {
  it("covers the games that have no private message", () => {
    expect(broadcastOnly.map((d) => d.id)).toEqual(
      expect.arrayContaining(["cs2", "csgo", "tf2", "gmod", "l4d2", "rust"]),
    );
  });

  describe.each(broadcastOnly.map((d) => [d.id, d] as const))("%s", (_id, dialect) => {
    it.each(AWKWARD_NAMES)("is sent for a player named %j", async (name) => {
      const { sent, run } = recorder();
      const addressed = dialect.addressName?.(name) ?? name;
      await expect(dialect.operations.sayAll(run, `${addressed}: hello there`)).resolves.toBe("");
      expect(sent).toHaveLength(1);
      expect(sent[0]).not.toMatch(/[\r\n\0]/);
    });
  });

  it.each(["cs2", "csgo", "tf2", "gmod", "l4d2", "rust"])(
    "%s: only the name's unquotable characters change, inside one quoted say",
    async (id) => {
      const dialect = broadcastOnly.find((d) => d.id === id);
      const { sent, run } = recorder();
      const addressed = dialect?.addressName?.('The "Boss";quit') ?? "";
      expect(addressed).toBe("The 'Boss',quit");
      await dialect?.operations.sayAll(run, `${addressed}: hello there`);
      expect(sent).toEqual([`say "The 'Boss',quit: hello there"`]);
    },
  );

  it("cs2: a quote in the moderator's own text is refused, and the error names the message", async () => {
    const cs2 = broadcastOnly.find((d) => d.id === "cs2");
    const { sent, run } = recorder();
    await expect(cs2?.operations.sayAll(run, `Bob: say "hi"`)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/^message must not contain/) as unknown,
    });
    expect(sent).toEqual([]);
  });
});
