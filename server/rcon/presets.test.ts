import { describe, expect, it } from "vitest";
import { GAME_PRESETS } from "../../lib/games.ts";
import { loadAllFamilies } from "./registry.ts";

describe("game presets offered in the UI", () => {
  it("are exactly the engine's dialects, with the same protocol and default port", async () => {
    const engine = (await loadAllFamilies()).flatMap((family) =>
      family.dialects.map((d) => ({ id: d.id, protocol: family.id, defaultPort: d.defaultPort })),
    );
    const offered = GAME_PRESETS.map((p) => ({ id: p.id, protocol: p.protocol, defaultPort: p.defaultPort }));
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(offered.sort(byId)).toEqual(engine.sort(byId));
  });
});
