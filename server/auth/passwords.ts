import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 defaults to Argon2id (tests assert the "$argon2id$" prefix); these are the OWASP
// baseline parameters for it: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // malformed stored hash: treat as a mismatch, never crash the login
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword("rcondeck-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
