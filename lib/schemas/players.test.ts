/** Player-record inputs: note text, one-line reasons, the merge target typed as an id or a pasted link, ERASE. */
import { describe, expect, it } from "vitest";
import {
  eraseConfirmSchema,
  mergePlayersSchema,
  noteTextSchema,
  warnReasonSchema,
  watchReasonSchema,
} from "./players.ts";

describe("player-record schemas", () => {
  it("notes are trimmed, 1..2000 characters, may span lines but hold no other control characters", () => {
    expect(noteTextSchema.parse("  line one\nline two\t.  ")).toBe("line one\nline two\t.");
    for (const bad of ["  ", "x".repeat(2001), "nul\u0000"])
      expect(noteTextSchema.safeParse(bad).success).toBe(false);
  });

  it("watch and warning reasons are one line of 1..200 characters", () => {
    for (const schema of [watchReasonSchema, warnReasonSchema]) {
      expect(schema.parse(" wallhack ")).toBe("wallhack");
      for (const bad of ["", "two\nlines", "x".repeat(201)])
        expect(schema.safeParse(bad).success).toBe(false);
    }
  });

  it("the merge target may be a pasted profile link; merging a player with itself is a field error", () => {
    expect(
      mergePlayersSchema.parse({
        intoId: "https://deck.example/players/cmabc123/?tab=notes",
        fromId: " cmdef456 ",
      }),
    ).toEqual({
      intoId: "cmabc123",
      fromId: "cmdef456",
    });
    const same = mergePlayersSchema.safeParse({ intoId: "/players/cmabc123", fromId: "cmabc123" });
    expect(same.success ? null : same.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["intoId", "A player cannot be merged with itself"],
    ]);
    expect(mergePlayersSchema.safeParse({ intoId: "not an id", fromId: "cmabc123" }).success).toBe(false);
  });

  it("erasing needs ERASE typed exactly", () => {
    expect(eraseConfirmSchema.safeParse("ERASE").success).toBe(true);
    for (const typed of ["erase", "ERASE ", ""])
      expect(eraseConfirmSchema.safeParse(typed).success).toBe(false);
  });
});
