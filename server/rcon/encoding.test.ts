import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { SERVER_ENCODINGS } from "../../lib/schemas/server.ts";
import { createTextCodec } from "./encoding.ts";

describe("text encodings", () => {
  it.each(SERVER_ENCODINGS.map((e) => e.id))(
    "%s, offered in the server form, is one iconv-lite knows and round-trips text",
    (name) => {
      expect(iconv.encodingExists(name)).toBe(true);
      const codec = createTextCodec(name);
      expect(codec.decode(codec.encode("say hello 123"))).toBe("say hello 123");
    },
  );

  it("refuses an unknown name with a configuration error", () => {
    expect(() => createTextCodec("klingon")).toThrow(
      expect.objectContaining({ name: "RconCommandError", code: "INVALID_SETTINGS" }),
    );
  });
});
