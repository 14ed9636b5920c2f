import { describe, expect, it } from "vitest";
import { hideEndpoint } from "./endpoint.ts";

describe("hideEndpoint", () => {
  it("replaces the host and port in the engine's connection errors", () => {
    const ep = { host: "10.0.0.5", port: 27015 };
    expect(hideEndpoint("connection refused by 10.0.0.5:27015", ep)).toBe(
      "connection refused by the game server",
    );
    expect(hideEndpoint("no TCP connection to 10.0.0.5:27015 within 5000 ms", ep)).toBe(
      "no TCP connection to the game server within 5000 ms",
    );
    expect(hideEndpoint("cannot connect to 10.0.0.5:27015: connect EHOSTUNREACH 10.0.0.5:27015", ep)).toBe(
      "cannot connect to the game server: connect EHOSTUNREACH the game server",
    );
    expect(
      hideEndpoint("getaddrinfo ENOTFOUND game.example.com", { host: "game.example.com", port: 1 }),
    ).toBe("getaddrinfo ENOTFOUND the game server");
    expect(hideEndpoint("refused by [::1]:2302", { host: "::1", port: 2302 })).toBe(
      "refused by the game server",
    );
    expect(hideEndpoint("port :2302 closed, 23020 other", { host: "h", port: 2302 })).toBe(
      "port  closed, 23020 other",
    );
  });

  it("leaves other text alone", () => {
    expect(hideEndpoint("Wrong RCON password.", { host: "10.0.0.5", port: 27015 })).toBe(
      "Wrong RCON password.",
    );
    expect(hideEndpoint("anything", { host: " ", port: 1 })).toBe("anything");
    expect(hideEndpoint("10.0.0.50 and 110.0.0.5 differ", { host: "10.0.0.5", port: 1 })).toBe(
      "10.0.0.50 and 110.0.0.5 differ",
    );
  });
});
