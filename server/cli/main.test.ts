import { afterEach, describe, expect, it, vi } from "vitest";
import type * as Registry from "../rcon/registry.ts";

// A family whose module cannot be loaded (not built yet, or broken) must fail with a clear message.
vi.mock("../rcon/registry.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof Registry>()),
  loadFamily: () => Promise.reject(new Error("Cannot find module './quake3/index.ts'")),
}));

const { main } = await import("./main.ts");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("rcondeck main", () => {
  it("says a protocol is not available when its family fails to load", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["exec", "quake3", "127.0.0.1:27960", "--", "status"])).toBe(1);
    expect(await main(["emulate", "quake3"])).toBe(1);
    const text = stderr.mock.calls.map((c) => String(c[0])).join("");
    expect(text).toContain('protocol "quake3" is not available in this build');
    expect(text.trim().split("\n")).toHaveLength(2);
  });

  it("prints usage for help and fails without a command", async () => {
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["--help"])).toBe(0);
    expect(String(stdout.mock.calls[0]?.[0])).toContain("rcondeck exec <protocol>");
    expect(await main([])).toBe(1);
    expect(await main(["frobnicate"])).toBe(1);
    expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toContain('unknown command "frobnicate"');
  });
});

describe("shell completion", () => {
  it("completes shell commands, game commands and protocol names", async () => {
    const { completeLine } = await import("./shell.ts");
    expect(completeLine("!dis", null)).toEqual([["!disconnect"], "!dis"]);
    expect(completeLine("kick", ["kickid", "kick", "say"])[0]).toEqual(["kickid", "kick"]);
    expect(completeLine("BAN", ["banid", "ban-ip"])[0]).toEqual(["banid", "ban-ip"]);
    expect(completeLine("st", null)[0]).toEqual(["!connect", "!disconnect", "!exit", "help"]);
    expect(completeLine("!connect so", null)).toEqual([["source"], "so"]);
  });
});
