import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import {
  acceptInvite,
  bootstrapOwnerFromEnv,
  changeOwnPassword,
  completeSetup,
  createInvite,
  issueSetupToken,
  loadActor,
} from "../data/users.ts";
import { passwordWeakness } from "./password-strength.ts";

const GOOD = "correct horse battery";
const WEAK = ["aaaaaaaaaa", " ".repeat(10), "password12", "qwertyuiop12"];

describe("password strength", () => {
  it.each(WEAK)("refuses %j with the estimator's reasons", async (password) => {
    const reasons = await passwordWeakness(password);
    expect(reasons?.length).toBeGreaterThan(0);
    for (const reason of reasons ?? []) expect(reason).not.toContain(password.trim() || "          ");
  });

  it("refuses a password made of the account's own name and email", async () => {
    // Strong for a stranger, weak for the person whose name it is.
    expect(await passwordWeakness("szczepankiewicz2026")).toBeNull();
    expect(
      await passwordWeakness("szczepankiewicz2026", ["szczepankiewicz@example.com", "Ola Szczepankiewicz"]),
    ).toEqual(expect.arrayContaining(["There should not be any personal or page related data."]));
  });
});

describe("password dictionaries", () => {
  it("are loaded by the first check, not by importing the module (over 10 MB of heap)", async () => {
    // A fresh process: this one's dictionaries are loaded already by the tests above.
    const script = `
      import v8 from "node:v8"; import vm from "node:vm";
      v8.setFlagsFromString("--expose-gc"); const gc = vm.runInNewContext("gc");
      const heap = () => { gc(); return process.memoryUsage().heapUsed; };
      await import("./lib/errors.ts");
      const start = heap();
      const { passwordWeakness } = await import("./server/auth/password-strength.ts");
      const imported = heap();
      const weak = await passwordWeakness("password12");
      console.log(JSON.stringify({ byImport: imported - start, byCheck: heap() - imported, weak: weak !== null }));`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => child.once("exit", resolve))).toBe(0);
    const { byImport, byCheck, weak } = JSON.parse(out) as {
      byImport: number;
      byCheck: number;
      weak: boolean;
    };
    expect(weak).toBe(true);
    expect(byImport).toBeLessThan(5 * 1048576);
    expect(byCheck).toBeGreaterThan(10 * 1048576);
  });
});

describe.each(DATABASE_KINDS)("weak passwords refused by the data layer on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  const fieldError = {
    code: "INVALID_INPUT",
    fieldErrors: { password: expect.arrayContaining([expect.any(String)]) as unknown },
  };

  beforeAll(async () => {
    t = await create();
    const token = (await issueSetupToken(t.db)) ?? "";
    for (const password of WEAK) {
      await expect(
        completeSetup(
          t.db,
          { token, email: "owner@example.com", name: "Olga", password, confirmPassword: password },
          null,
        ),
      ).rejects.toMatchObject(fieldError);
    }
    await expect(bootstrapOwnerFromEnv(t.db, "env-owner@example.com", "password12")).rejects.toMatchObject(
      fieldError,
    );
    expect(await t.db.user.count()).toBe(0);
    const created = await completeSetup(
      t.db,
      { token, email: "owner@example.com", name: "Olga", password: GOOD, confirmPassword: GOOD },
      null,
    );
    owner = (await loadActor(t.db, created.id, 1)) as Actor;
  });
  afterAll(async () => t.drop());

  it("first-run setup and the Owner from the environment refuse weak passwords and create nobody", () => {
    expect(owner.role).toBe("OWNER");
  });

  it("invite acceptance refuses a weak password and leaves the invite usable", async () => {
    const { token } = await createInvite(
      { db: t.db, actor: owner, ip: null },
      { email: "mod@example.com", role: "MODERATOR", serverIds: [], allServers: true },
    );
    await expect(
      acceptInvite(t.db, { token, name: "Mo", password: "password12", confirmPassword: "password12" }, null),
    ).rejects.toMatchObject(fieldError);
    await expect(
      acceptInvite(
        t.db,
        { token, name: "Mo", password: "mod@example.com", confirmPassword: "mod@example.com" },
        null,
      ),
    ).rejects.toMatchObject(fieldError);
    await expect(
      acceptInvite(t.db, { token, name: "Mo", password: GOOD, confirmPassword: GOOD }, null),
    ).resolves.toEqual({ email: "mod@example.com" });
  });

  it("a password change refuses a weak new password and keeps the old one", async () => {
    const before = await t.db.user.findUniqueOrThrow({ where: { id: owner.id } });
    await expect(
      changeOwnPassword(
        { db: t.db, actor: owner, ip: null },
        { currentPassword: GOOD, password: "aaaaaaaaaa", confirmPassword: "aaaaaaaaaa" },
      ),
    ).rejects.toMatchObject(fieldError);
    const after = await t.db.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.sessionVersion).toBe(before.sessionVersion);
  });
});

describe("RCONDECK_OWNER_PASSWORD at start-up", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "rcondeck-owner-env-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a weak one stops the process with the reasons on stderr, never echoing the password, and creates no Owner", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATA_DIR: dir,
        DATABASE_URL: "",
        PORT: "0",
        HOST: "127.0.0.1",
        DEMO: "0",
        RCONDECK_OWNER_EMAIL: "owner@example.com",
        RCONDECK_OWNER_PASSWORD: "password12",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("RCONDECK_OWNER_PASSWORD is too weak; the Owner was not created.");
    expect(stderr).toContain("This is a commonly used password.");
    expect(stderr + stdout).not.toContain("password12");
    expect(stdout).not.toContain("listening on");
  }, 60_000);
});
