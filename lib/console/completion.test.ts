import { describe, expect, it } from "vitest";
import { completeInput, completionCandidates } from "./completion.ts";

const sources = {
  commands: ["status", "say", "sv_cheats", "kick", "map", "maplist"],
  playerNames: ["Zoë", "Dark Knight", "Данила", "zed"],
};

describe("completion", () => {
  it("completes the first word from the catalogue and cycles on repeated Tab", () => {
    const first = completeInput("ma", sources, null);
    expect(first?.value).toBe("map");
    const second = completeInput(first?.value ?? "", sources, first?.state ?? null);
    expect(second?.value).toBe("maplist");
    const third = completeInput(second?.value ?? "", sources, second?.state ?? null);
    expect(third?.value).toBe("map");
    const back = completeInput(third?.value ?? "", sources, third?.state ?? null, true);
    expect(back?.value).toBe("maplist");
  });

  it("adds a space after a single match", () => {
    expect(completeInput("sta", sources, null)?.value).toBe("status ");
  });

  it("completes later words from player names, quoting names with spaces, matching non-Latin text", () => {
    expect(completeInput("kick да", sources, null)?.value).toBe("kick Данила ");
    expect(completeInput("kick dark", sources, null)?.value).toBe('kick "Dark Knight" ');
    expect(completionCandidates("kick z", sources)).toEqual(["Zoë", "zed"]);
    // Names containing the text come after names starting with it.
    expect(completionCandidates("say k", sources)).toEqual(["Dark Knight"]);
  });

  it("starts over when the input changed since the last Tab, and reports no match", () => {
    const first = completeInput("s", sources, null);
    expect(first?.value).toBe("say");
    expect(completeInput("kick Zo", sources, first?.state ?? null)?.value).toBe("kick Zoë ");
    expect(completeInput("xyz", sources, null)).toBeNull();
  });
});
