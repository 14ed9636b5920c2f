/**
 * `rcondeck emulate` reads its family's flags and games from the emulator registry: an unknown flag
 * prints the family's own flags and games, a wrong flag value or an unknown game is one clear line.
 * (Running emulators through the CLI is covered by cli.test.ts and the families' cli.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { CliError } from "./common.ts";
import { runEmulate } from "./emulate.ts";

async function refusal(argv: string[]): Promise<string> {
  const error = await runEmulate(argv).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return (error as CliError).message;
}

describe("rcondeck emulate", () => {
  it("lists the family's games and flags after an unknown flag", async () => {
    const battleye = await refusal(["battleye", "--bogus"]);
    expect(battleye).toContain("usage: rcondeck emulate <protocol>");
    expect(battleye).toContain("games: arma3, dayz");
    expect(battleye).toMatch(/--loss <number> {2}probability/);
    expect(battleye).toMatch(/--bans-file <string> {2}bans\.txt/);
    const quake3 = await refusal(["quake3", "--loss", "0.5"]);
    expect(quake3).toContain("games: ");
    expect(quake3).toMatch(/--bots <string>/);
    expect(quake3).not.toContain("--loss <number>");
  });

  it("refuses a non-number for a number flag and an unknown game", async () => {
    expect(await refusal(["source", "--delay", "soon"])).toBe('--delay must be a number, not "soon"');
    expect(await refusal(["webrcon", "--game", "pong", "--password", "pw"])).toMatch(
      /^cannot start the webrcon emulator: unknown game "pong" for webrcon; known: rust-webrcon/,
    );
  });
});
