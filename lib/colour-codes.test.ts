import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseColouredText, stripColourCodes, visibleLength, type ColourRule } from "./colour-codes.ts";

const RULES: ColourRule[] = ["ioq3", "q3", "cod", "darkplaces"];

describe("colour codes", () => {
  it("parses ioq3 names into coloured runs", () => {
    expect(parseColouredText("^1Red^7Baron", "ioq3")).toEqual([
      { text: "Red", colour: "#ff0000" },
      { text: "Baron", colour: "#ffffff" },
    ]);
    expect(parseColouredText("Plain", "ioq3")).toEqual([{ text: "Plain", colour: null }]);
    // Letters are codes too on ioq3: (c - '0') & 7.
    expect(parseColouredText("^aX", "ioq3")).toEqual([{ text: "X", colour: "#ff0000" }]);
  });

  it("applies each engine's rule for what a colour code is", () => {
    expect(stripColourCodes("^1Red^7Baron", "ioq3")).toBe("RedBaron");
    expect(stripColourCodes("a^!b", "ioq3")).toBe("a^!b");
    expect(stripColourCodes("a^!b", "q3")).toBe("ab");
    expect(stripColourCodes("^aX", "cod")).toBe("^aX");
    expect(stripColourCodes("^3X", "cod")).toBe("X");
    expect(stripColourCodes("^x1F0Green^7!", "darkplaces")).toBe("Green!");
    expect(parseColouredText("^x1F0Green", "darkplaces")).toEqual([{ text: "Green", colour: "#11ff00" }]);
    // Only three hex digits make an RGB code.
    expect(stripColourCodes("^x1GG", "darkplaces")).toBe("^x1GG");
  });

  it("handles ^^ as each engine does", () => {
    // ioq3 / q3: `^^` is no code; the second caret may start one.
    expect(stripColourCodes("^^77Caret", "ioq3")).toBe("^7Caret");
    expect(stripColourCodes("^^77Caret", "q3")).toBe("^7Caret");
    // DarkPlaces: `^^` is an escaped caret.
    expect(stripColourCodes("^^77Caret", "darkplaces")).toBe("^77Caret");
    expect(parseColouredText("a^^b", "darkplaces")).toEqual([{ text: "a^b", colour: null }]);
    // A trailing caret is text.
    for (const rule of RULES) expect(stripColourCodes("end^", rule)).toBe("end^");
  });

  it("visibleLength counts what the engine pads by", () => {
    expect(visibleLength("^1Red^7Baron", "ioq3")).toBe(8);
  });

  it("properties: segments join to the stripped text; stripping is idempotent on plain text", () => {
    const arbText = fc.string({
      unit: fc.constantFrom("^", "1", "7", "x", "F", "a", " ", "!", "é", "\0"),
      maxLength: 40,
    });
    fc.assert(
      fc.property(arbText, fc.constantFrom(...RULES), (text, rule) => {
        const segments = parseColouredText(text, rule);
        expect(segments.map((s) => s.text).join("")).toBe(stripColourCodes(text, rule));
        for (const s of segments) expect(s.text).not.toBe("");
        if (!text.includes("^")) expect(stripColourCodes(text, rule)).toBe(text);
        expect(stripColourCodes(text, rule).length).toBeLessThanOrEqual(text.length);
      }),
    );
  });
});
