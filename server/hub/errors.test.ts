import { describe, expect, it } from "vitest";
import { loadFamily } from "../rcon/registry.ts";
import { RconCommandError, type ProtocolId } from "../rcon/types.ts";
import { describeError, toAppError } from "./errors.ts";

describe("engine errors as words for the browser and the status", () => {
  it.each(["source", "battleye", "quake3"] as ProtocolId[])(
    "%s: an unknown encoding says so instead of 'internal error'",
    async (protocol) => {
      const family = await loadFamily(protocol);
      let thrown: unknown;
      try {
        family.createConnection({ host: "127.0.0.1", port: 1, password: "x", encoding: "klingon" });
      } catch (error) {
        thrown = error;
      }
      expect(describeError(thrown)).toBe(
        'unknown text encoding "klingon": choose one in the server\'s settings',
      );
      expect(toAppError(thrown)).toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/settings cannot work: unknown text encoding "klingon"/) as unknown,
      });
    },
  );

  it("a peer that is not an RCON server is blamed on the address, without bytes", () => {
    const error = new RconCommandError(
      "NOT_RCON",
      "not an RCON server (it answered like HTTP); check the host and port",
    );
    expect(toAppError(error)).toMatchObject({
      code: "UNAVAILABLE",
      message: "That address answers, but not as an RCON server: check the host and port.",
    });
    expect(describeError(error)).toBe("not an RCON server (it answered like HTTP); check the host and port");
  });
});
