/**
 * Time-based one-time passwords (RFC 6238, via otpauth) and recovery codes. Pure: the clock is an
 * argument. Codes are 6 digits over 30 s; one step either side is accepted for clock drift, and a
 * step at or before the last one accepted is refused, so a code works once.
 */
import { createHash, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const ISSUER = "RconDeck";
/** Accept the previous and the next code too (phones drift). */
const WINDOW = 1;

export const RECOVERY_CODE_COUNT = 10;

function totpFor(secretBase32: string, label = ""): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random 160-bit secret, base32 (what authenticator apps take for manual entry). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secretBase32: string, accountLabel: string): string {
  return totpFor(secretBase32, accountLabel).toString();
}

/** The URI as a QR code, an SVG document (rendered by the page as an image). */
export async function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
}

/** The current code (tests, and nothing else on the server). */
export function totpCode(secretBase32: string, now: Date): string {
  return totpFor(secretBase32).generate({ timestamp: now.getTime() });
}

/** The time-step a code was made in. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS);
}

/**
 * The time-step of a valid code, or null: wrong, outside the window, or at or before `lastStep`
 * (a code already used, or an older one).
 */
export function verifyTotp(
  secretBase32: string,
  code: string,
  lastStep: number | null,
  now: Date,
): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secretBase32).validate({ token, timestamp: now.getTime(), window: WINDOW });
  if (delta === null) return null;
  const step = totpStep(now) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** Whether the text looks like a TOTP code (digits) rather than a recovery code. */
export function looksLikeTotp(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s+/g, ""));
}

/** Ten random recovery codes (80 bits each), shown once, e.g. "k3jd-9x2m-qp7a-4tzc". */
export function newRecoveryCodes(): string[] {
  const alphabet = "abcdefghjkmnopqrstuvwxyz23456789"; // 32 symbols (no bias), no 0/1/i/l
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12, 16)}`;
  });
}

/** SHA-256 of the normalised code: the codes are random and long, so a slow hash adds nothing. */
export function hashRecoveryCode(code: string): string {
  const normal = code.toLowerCase().replace(/[^a-z0-9]/g, "");
  return createHash("sha256").update(normal).digest("hex");
}
