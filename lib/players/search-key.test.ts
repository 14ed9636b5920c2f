import { describe, expect, it } from "vitest";
import { nameSearchKey } from "./search-key.ts";

describe("nameSearchKey", () => {
  it("folds case, accents and the letters NFKD keeps whole", () => {
    expect(nameSearchKey("Ærøskøbing Łódź")).toBe("aeroskobing lodz");
    expect(nameSearchKey("Crème Brûlée")).toBe("creme brulee");
    expect(nameSearchKey("Straße")).toBe("strasse");
  });

  it("collapses whitespace and folds full-width forms", () => {
    expect(nameSearchKey("  Big\t  Boss ")).toBe("big boss");
    expect(nameSearchKey("ＰＬＡＹＥＲ")).toBe("player");
  });

  it("keeps digits and symbols, so clan tags still match", () => {
    expect(nameSearchKey("[TAG] Ünit-7")).toBe("[tag] unit-7");
  });
});
