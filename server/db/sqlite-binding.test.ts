import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb } from "./client.ts";
import { migrateDatabase } from "./migrate.ts";
import { sqliteDriverOptions } from "./sqlite-binding.ts";

// The addon this process can load: node_modules' build, or (in the Node 24 run of `npm test`) the
// one scripts/node24.sh built and named in RCONDECK_SQLITE_BINDING.
const loadableAddon =
  process.env.RCONDECK_SQLITE_BINDING ??
  createRequire(import.meta.url).resolve("better-sqlite3/build/Release/better_sqlite3.node");

function loadedSharedObjects(): string[] {
  const report = process.report.getReport() as { sharedObjects: string[] };
  return report.sharedObjects;
}

describe("RCONDECK_SQLITE_BINDING", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rcondeck-binding-"));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes the migrator and the Prisma client load the named addon", async () => {
    const copy = path.join(dir, "copy-of-better_sqlite3.node");
    copyFileSync(loadableAddon, copy);
    vi.stubEnv("RCONDECK_SQLITE_BINDING", copy);
    const url = `file:${path.join(dir, "test.db")}`;
    expect((await migrateDatabase(url)).length).toBeGreaterThan(0);
    expect(loadedSharedObjects()).toContain(copy);
    const db = createDb(url);
    try {
      expect(await db.user.count()).toBe(0);
    } finally {
      await db.$disconnect();
    }
  });

  it("refuses a file that is not there, naming the variable", async () => {
    vi.stubEnv("RCONDECK_SQLITE_BINDING", path.join(dir, "missing.node"));
    await expect(migrateDatabase(`file:${path.join(dir, "test.db")}`)).rejects.toThrow(
      /RCONDECK_SQLITE_BINDING: no better-sqlite3 addon at .*missing\.node/,
    );
    expect(() => createDb(`file:${path.join(dir, "test.db")}`)).toThrow(/RCONDECK_SQLITE_BINDING/);
  });

  it("loads a file that is not an addon as one, and fails instead of falling back", async () => {
    const bogus = path.join(dir, "not-an-addon.node");
    writeFileSync(bogus, "not an ELF file");
    vi.stubEnv("RCONDECK_SQLITE_BINDING", bogus);
    await expect(migrateDatabase(`file:${path.join(dir, "test.db")}`)).rejects.toThrow();
  });

  it("is empty when unset or empty (node_modules' addon)", () => {
    expect(sqliteDriverOptions({})).toEqual({});
    expect(sqliteDriverOptions({ RCONDECK_SQLITE_BINDING: "" })).toEqual({});
  });
});
