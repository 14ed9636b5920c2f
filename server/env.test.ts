import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.ts";

const parse = (vars: Record<string, string>) => parseEnv({ NODE_ENV: "test", ...vars });

describe("parseEnv", () => {
  it("defaults: embedded SQLite in ./data, demo on, 30 days of history, 20 actions per 10 s", () => {
    const env = parse({});
    expect(env.databaseKind).toBe("sqlite");
    expect(env.databaseUrl).toMatch(/^file:.*data[\\/]rcondeck\.db$/);
    expect(env).toMatchObject({ DEMO: "1", CONSOLE_RETENTION_DAYS: 30, ACTIONS_PER_10S: 20, PORT: 3000 });
    expect(env.publicUrl).toBe("http://127.0.0.1:3000");
  });

  it("reads what is set, and treats empty values as unset", () => {
    const env = parse({
      ACTIONS_PER_10S: "60",
      DATABASE_URL: "postgres://u@db/rcondeck",
      PORT: "",
      HOST: "0.0.0.0",
    });
    expect(env).toMatchObject({ ACTIONS_PER_10S: 60, databaseKind: "postgresql", PORT: 3000 });
    expect(env.publicUrl).toBe("http://localhost:3000");
  });

  it("refuses bad values with the variable's name", () => {
    expect(() => parse({ ACTIONS_PER_10S: "0" })).toThrow(/ACTIONS_PER_10S/);
    expect(() => parse({ DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL must start with file: or postgres:\/\//,
    );
    expect(() => parse({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET needs at least 32 characters/);
    expect(() => parse({ SOCKET_POINTS_PER_10S: "10" })).toThrow(/SOCKET_POINTS_PER_10S/);
    expect(() => parse({ BAN_SYNC_EVERY_MS: "500" })).toThrow(/BAN_SYNC_EVERY_MS/);
    expect(() => parse({ ALLOWED_ORIGINS: "https://a.example.com/path" })).toThrow(
      /ALLOWED_ORIGINS must be origins/,
    );
  });

  it("game log receivers: off unless set; the UDP address defaults to a specific listen address", () => {
    expect(parse({}).gameLogs).toEqual({ udpListen: null, udpAddress: null, httpBase: null });
    expect(
      parse({ GAME_LOGS_UDP_LISTEN: "10.0.0.5:27500", GAME_LOGS_HTTP_URL: "http://10.0.0.5:3000/" }).gameLogs,
    ).toEqual({
      udpListen: { host: "10.0.0.5", port: 27500 },
      udpAddress: "10.0.0.5:27500",
      httpBase: "http://10.0.0.5:3000",
    });
    expect(
      parse({ GAME_LOGS_UDP_LISTEN: "0.0.0.0:27500", GAME_LOGS_UDP_ADDRESS: "203.0.113.5:27500" }).gameLogs
        .udpAddress,
    ).toBe("203.0.113.5:27500");
    expect(
      parse({ GAME_LOGS_UDP_LISTEN: "[::]:27500", GAME_LOGS_UDP_ADDRESS: "203.0.113.5:27500" }).gameLogs
        .udpListen,
    ).toEqual({ host: "::", port: 27500 });
  });

  it("refuses game log settings that cannot work", () => {
    expect(() => parse({ GAME_LOGS_UDP_LISTEN: "0.0.0.0:27500" })).toThrow(
      /GAME_LOGS_UDP_ADDRESS: set the IPv4 ip:port/,
    );
    expect(() => parse({ GAME_LOGS_UDP_LISTEN: "0.0.0.0" })).toThrow(/GAME_LOGS_UDP_LISTEN must be ip:port/);
    expect(() =>
      parse({ GAME_LOGS_UDP_LISTEN: "10.0.0.5:27500", GAME_LOGS_UDP_ADDRESS: "rcon.example.com:27500" }),
    ).toThrow(/GAME_LOGS_UDP_ADDRESS must be an IPv4/);
    expect(() => parse({ GAME_LOGS_UDP_ADDRESS: "10.0.0.5:27500" })).toThrow(/set GAME_LOGS_UDP_LISTEN too/);
    expect(() => parse({ GAME_LOGS_HTTP_URL: "http://10.0.0.5:3000/logs" })).toThrow(
      /GAME_LOGS_HTTP_URL must be a base URL/,
    );
    expect(() => parse({ GAME_LOGS_HTTP_URL: "ftp://10.0.0.5" })).toThrow(/GAME_LOGS_HTTP_URL/);
  });

  it("native ban sync pass interval: a minute unless set (tests lower it)", () => {
    expect(parse({}).BAN_SYNC_EVERY_MS).toBe(60_000);
    expect(parse({ BAN_SYNC_EVERY_MS: "2000" }).BAN_SYNC_EVERY_MS).toBe(2_000);
  });

  it("socket budgets and the origins browsers may open sockets from (PUBLIC_URL's, plus ALLOWED_ORIGINS)", () => {
    expect(parse({})).toMatchObject({
      SOCKET_POINTS_PER_10S: 600,
      SOCKETS_PER_USER: 12,
      HANDSHAKES_PER_MINUTE: 120,
      allowedOrigins: ["http://127.0.0.1:3000"],
    });
    const env = parse({
      PUBLIC_URL: "https://rcon.example.com/",
      ALLOWED_ORIGINS: "http://10.0.0.5:3000, https://RCON.example.com",
      SOCKETS_PER_USER: "30",
    });
    expect(env.allowedOrigins).toEqual(["https://rcon.example.com", "http://10.0.0.5:3000"]);
    expect(env.SOCKETS_PER_USER).toBe(30);
  });
});
