import { TOTP, URI } from "otpauth";
import { describe, expect, it } from "vitest";
import {
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpCode,
  totpStep,
  totpUri,
  verifyTotp,
} from "./totp.ts";

const AT = new Date("2026-11-30T12:00:10Z");
const later = (seconds: number) => new Date(AT.getTime() + seconds * 1000);

describe("TOTP codes", () => {
  it("accepts the current code and one step either side, nothing further, with a controlled clock", () => {
    const secret = newTotpSecret();
    const code = totpCode(secret, AT);
    expect(verifyTotp(secret, code, null, AT)).toBe(totpStep(AT));
    expect(verifyTotp(secret, code, null, later(30))).toBe(totpStep(AT));
    expect(verifyTotp(secret, code, null, later(-30))).toBe(totpStep(AT));
    expect(verifyTotp(secret, code, null, later(90))).toBeNull();
    expect(verifyTotp(secret, code, null, later(-90))).toBeNull();
  });

  it("refuses a code whose step was already used (replay), and older ones", () => {
    const secret = newTotpSecret();
    const code = totpCode(secret, AT);
    const step = verifyTotp(secret, code, null, AT);
    expect(step).not.toBeNull();
    expect(verifyTotp(secret, code, step, AT)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, later(-30)), step, AT)).toBeNull();
    // The next period's code is fresh.
    expect(verifyTotp(secret, totpCode(secret, later(30)), step, later(30))).toBe((step ?? 0) + 1);
  });

  it("refuses another secret's code and anything not six digits", () => {
    const secret = newTotpSecret();
    expect(verifyTotp(secret, totpCode(newTotpSecret(), AT), null, AT)).toBeNull();
    for (const bad of ["", "12345", "1234567", "abcdef", "12 34 5"])
      expect(verifyTotp(secret, bad, null, AT)).toBeNull();
    // Spaces typed between the digits are fine.
    const code = totpCode(secret, AT);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, null, AT)).toBe(totpStep(AT));
  });

  it("the URI carries the issuer, the account and the secret, and an app built from it makes the same codes", () => {
    const secret = newTotpSecret();
    const uri = totpUri(secret, "mia@example.com");
    expect(uri).toMatch(/^otpauth:\/\/totp\/RconDeck:mia%40example\.com\?/);
    const app = URI.parse(uri);
    expect(app).toBeInstanceOf(TOTP);
    expect((app as TOTP).generate({ timestamp: AT.getTime() })).toBe(totpCode(secret, AT));
  });
});

describe("recovery codes", () => {
  it("makes ten distinct 80-bit codes and hashes them typing-insensitively", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const [first = "", second = ""] = codes;
    expect(hashRecoveryCode(first.toUpperCase().replaceAll("-", " "))).toBe(hashRecoveryCode(first));
    expect(hashRecoveryCode(first)).not.toBe(hashRecoveryCode(second));
    expect(hashRecoveryCode(first)).toMatch(/^[0-9a-f]{64}$/);
  });
});
