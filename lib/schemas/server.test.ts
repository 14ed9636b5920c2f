import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createServerSchema, updateServerSchema } from "./server.ts";

const base = {
  name: "Main",
  game: "cs2",
  host: "127.0.0.1",
  port: "27015",
  encoding: "",
  enabled: true,
  password: "pw",
};

function fieldErrors(input: Record<string, unknown>) {
  const parsed = createServerSchema.safeParse({ ...base, ...input });
  return parsed.success ? {} : z.flattenError(parsed.error).fieldErrors;
}

describe("server schema: host", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["  Game.Example.COM ", "game.example.com"],
    ["localhost", "localhost"],
    ["a-1.b2.example", "a-1.b2.example"],
    ["::1", "::1"],
    ["2001:DB8::10", "2001:db8::10"],
    ["[2001:db8::10]", "2001:db8::10"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
  ])("accepts %j as %j", (host, stored) => {
    expect(createServerSchema.parse({ ...base, host }).host).toBe(stored);
  });

  it.each(["127.0.0.1:27015", "game.example.com:27015", "[::1]:27015", "localhost:"])(
    "refuses %j and says to put the port in the Port field",
    (host) => {
      expect(fieldErrors({ host }).host?.[0]).toMatch(/put the port in the Port field/);
    },
  );

  it.each([
    ["http://game.example.com", /without http:\/\//],
    ["game.example.com/rcon", /without a path/],
    ["game example.com", /no spaces/],
    ["admin@game.example.com", /without a user name/],
    ["", /Enter a host/],
    ["256.1.1.1", /not a valid IPv4 address/],
    ["1.2.3", /not a valid IPv4 address/],
    ["010.0.0.1", /not a valid IPv4 address/],
    ["1::2::3", /not a valid IPv6 address/],
    ["-bad.example", /Enter a host name/],
    ["bad-.example", /Enter a host name/],
    ["under_score.example", /Enter a host name/],
    [`${"a".repeat(64)}.example`, /Enter a host name/],
    [`${"a.".repeat(127)}ab`, /Enter a host name/],
    ["a..b", /Enter a host name/],
  ])("refuses %j with a field error", (host, message) => {
    expect(fieldErrors({ host }).host?.[0]).toMatch(message);
  });
});

describe("server schema: port", () => {
  it.each([
    ["27015", 27015],
    [" 80 ", 80],
    ["1", 1],
    ["65535", 65535],
    [2302, 2302],
  ])("accepts %j as %d", (port, stored) => {
    expect(createServerSchema.parse({ ...base, port }).port).toBe(stored);
  });

  it.each(["1e3", "0x50", "80.0", "+80", "-1", "8 0", "１２３", "0b1", "Infinity", 1.5])(
    "refuses %j (digits only)",
    (port) => {
      expect(fieldErrors({ port }).port?.[0]).toMatch(/digits only/);
    },
  );

  it.each(["0", "65536", "99999", 0])("refuses %j (out of range)", (port) => {
    expect(fieldErrors({ port }).port?.[0]).toBe("Ports go from 1 to 65535");
  });

  it("asks for a port when there is none", () => {
    expect(fieldErrors({ port: "" }).port?.[0]).toBe("Enter a port");
    expect(fieldErrors({ port: undefined }).port?.[0]).toBe("Enter a port");
  });
});

describe("server schema: encoding", () => {
  it("stores blank as the game's default and known names lower-cased", () => {
    expect(createServerSchema.parse({ ...base, encoding: "" }).encoding).toBeNull();
    expect(createServerSchema.parse({ ...base, encoding: "Windows-1251" }).encoding).toBe("windows-1251");
    expect(createServerSchema.parse({ ...base, encoding: "utf-8" }).encoding).toBe("utf-8");
  });

  it.each(["klingon", "utf-9", "x-mac-klingon", "base64"])("refuses %j with a field error", (encoding) => {
    expect(fieldErrors({ encoding }).encoding?.[0]).toBe("Choose an encoding from the list");
  });
});

describe("server schema: passwords", () => {
  it("requires a password when adding and maps a blank one to 'keep' when editing", () => {
    expect(fieldErrors({ password: "" }).password?.[0]).toBe("Enter the RCON password");
    expect(updateServerSchema.parse({ ...base, id: "s1", password: "" }).password).toBeNull();
  });

  it("refuses passwords Quake 3 engines can never send", () => {
    expect(fieldErrors({ game: "openarena", password: "two words" }).password?.[0]).toMatch(/Quake 3/);
  });

  it("refuses passwords a Rust WebRCON URL cannot carry, and only for WebRCON", () => {
    for (const password of ["two words", "a/b", "what?", "x#y", "100%", "pässword", "a@b", "p=q"]) {
      expect(fieldErrors({ game: "rust-webrcon", password }).password?.[0]).toMatch(
        /WebRCON sends the password in the URL/,
      );
    }
    expect(fieldErrors({ game: "rust-webrcon", password: "Str0ng-pass_word.~" }).password).toBeUndefined();
    expect(fieldErrors({ game: "rust", password: "two words" }).password).toBeUndefined();
  });
});
