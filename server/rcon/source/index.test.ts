import { describe, expect, it } from "vitest";
import { family } from "./index.ts";

describe("Source family", () => {
  it("declares its dialects and rejects passwords that can never work", () => {
    expect(family.dialects.map((d) => d.id)).toEqual([
      "cs2",
      "csgo",
      "tf2",
      "gmod",
      "l4d2",
      "minecraft",
      "rust",
      "ark",
      "squad",
      "factorio",
      "palworld",
    ]);
    expect(family.dialects.find((d) => d.id === family.defaultDialect)).toBeDefined();
    expect(family.checkPassword("")).toMatch(/needs a password/);
    expect(family.checkPassword("a\u0000b")).toMatch(/NUL/);
    expect(family.checkPassword("x".repeat(1001))).toMatch(/too long/);
    expect(family.checkPassword("s3cret pass")).toBeNull();
    expect(() =>
      family.createConnection({ host: "127.0.0.1", port: 1, password: "x", dialect: "pong" }),
    ).toThrow(/unknown game "pong"/);
  });
});
