/** The WebRCON message codec on both sides (the emulator reads commands with it). */
import { describe, expect, it } from "vitest";
import { decodeCommand, decodeMessage, encodeCommand, encodeMessage, MAX_IDENTIFIER } from "./message.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("WebRCON messages", () => {
  it("refuses identifiers that are not 32-bit integers", () => {
    for (const id of [1.5, MAX_IDENTIFIER + 1, -MAX_IDENTIFIER - 2, Number.NaN]) {
      expect(() => encodeCommand(id, "status", 1000)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
    expect(new TextDecoder().decode(encodeCommand(-MAX_IDENTIFIER - 1, "status", 1000))).toBe(
      '{"Identifier":-2147483648,"Message":"status","Name":"WebRcon"}',
    );
  });

  it("round-trips a server message, Unicode included", () => {
    const frame = encodeMessage({ identifier: 5, message: "Ёжик 李 🙂", type: "Chat" });
    expect(decodeMessage(frame, 1000)).toEqual({ identifier: 5, message: "Ёжик 李 🙂", type: "Chat" });
  });

  it("reads a client's command, and nothing from frames that are not one", () => {
    expect(decodeCommand(encodeCommand(3, "playerlist", 1000), 1000)).toEqual({
      identifier: 3,
      command: "playerlist",
    });
    for (const frame of [
      "x",
      "null",
      "7",
      '{"Identifier":"3","Message":"x"}',
      '{"Identifier":3}',
      '{"Identifier":3.5,"Message":"x"}',
    ]) {
      expect(decodeCommand(bytes(frame), 1000)).toBeNull();
    }
    expect(decodeCommand(encodeCommand(3, "x".repeat(100), 1000), 50)).toBeNull();
  });
});
