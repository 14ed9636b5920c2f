import { describe, expect, it } from "vitest";
import { databaseKinds } from "./databases.ts";

describe("the database matrix of the data tests", () => {
  it("is both kinds by default, and narrows to the kinds RCONDECK_TEST_DATABASES names", () => {
    expect(databaseKinds(undefined).map((k) => k.kind)).toEqual(["sqlite", "postgresql"]);
    expect(databaseKinds("").map((k) => k.kind)).toEqual(["sqlite", "postgresql"]);
    expect(databaseKinds("sqlite").map((k) => k.kind)).toEqual(["sqlite"]);
    expect(databaseKinds(" postgresql ").map((k) => k.kind)).toEqual(["postgresql"]);
    expect(databaseKinds("postgresql,sqlite").map((k) => k.kind)).toEqual(["sqlite", "postgresql"]);
  });

  it("refuses a name that is not a kind instead of running nothing", () => {
    expect(() => databaseKinds("sqlite,mysql")).toThrow(
      "RCONDECK_TEST_DATABASES names mysql; the kinds are sqlite, postgresql",
    );
  });
});
