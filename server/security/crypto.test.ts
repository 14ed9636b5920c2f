import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./crypto.ts";
import { loadSecrets } from "./secrets.ts";

describe("RCON password encryption", () => {
  const key = randomBytes(32);

  it("round-trips and never stores the plaintext", () => {
    const stored = encryptSecret("hunter2 ünïcode", key);
    expect(stored).not.toContain("hunter2");
    expect(decryptSecret(stored, key)).toBe("hunter2 ünïcode");
  });

  it("uses a fresh IV for every value", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it("rejects a wrong key and a tampered value", () => {
    const stored = encryptSecret("secret", key);
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow();
    const parts = stored.split(".");
    parts[3] = Buffer.from("tampered!").toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow();
    expect(() => decryptSecret("garbage", key)).toThrow(/unrecognised/);
  });
});

describe("secrets", () => {
  it("generates secrets once into DATA_DIR with mode 0600 and reuses them", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "rcondeck-secrets-")), "data");
    const first = loadSecrets(dir, {});
    const file = path.join(dir, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.encryptionKey).toHaveLength(32);
    const second = loadSecrets(dir, {});
    expect(second.authSecret).toBe(first.authSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    chmodSync(file, 0o600);
    expect(readFileSync(file, "utf8")).toContain(first.authSecret);
  });

  it("prefers the environment and then writes no file", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "rcondeck-secrets-")), "data");
    const key = randomBytes(32).toString("base64");
    const secrets = loadSecrets(dir, { AUTH_SECRET: "x".repeat(40), RCON_ENCRYPTION_KEY: key });
    expect(secrets.authSecret).toBe("x".repeat(40));
    expect(secrets.encryptionKey.toString("base64")).toBe(key);
    expect(() => statSync(path.join(dir, "secrets.json"))).toThrow();
  });
});
