/**
 * The two secrets RconDeck needs: the session-signing secret and the AES-256-GCM key for RCON
 * passwords. Taken from the environment when set; otherwise generated once into
 * DATA_DIR/secrets.json with mode 0600 and reused on every start. Never logged.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const secretsFileSchema = z.object({ authSecret: z.string().min(32), encryptionKey: z.string() });

export interface Secrets {
  authSecret: string;
  encryptionKey: Buffer;
}

export function loadSecrets(
  dataDir: string,
  fromEnv: { AUTH_SECRET?: string | undefined; RCON_ENCRYPTION_KEY?: string | undefined },
): Secrets {
  const file = path.join(dataDir, "secrets.json");
  let stored: z.infer<typeof secretsFileSchema> | undefined;
  if (existsSync(file)) {
    stored = secretsFileSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } else if (!fromEnv.AUTH_SECRET || !fromEnv.RCON_ENCRYPTION_KEY) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    stored = {
      authSecret: randomBytes(48).toString("base64url"),
      encryptionKey: randomBytes(32).toString("base64"),
    };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  }
  const authSecret = fromEnv.AUTH_SECRET ?? stored?.authSecret;
  const keyText = fromEnv.RCON_ENCRYPTION_KEY ?? stored?.encryptionKey;
  if (!authSecret || !keyText) throw new Error("secrets could not be loaded");
  const encryptionKey = Buffer.from(keyText, "base64");
  if (encryptionKey.length !== 32) throw new Error(`${file}: encryptionKey must be 32 bytes in base64`);
  return { authSecret, encryptionKey };
}
