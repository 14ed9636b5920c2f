/**
 * Commands Rust marks dangerous over WebRCON: the same console as legacy Source RCON (the list of
 * protocol/source/dialects/dangerous.ts), plus `kickall`. `server.writecfg` is not dangerous: it
 * saves the configuration, bans and user groups in memory (the Rust dialect's ban sync runs it).
 */
import type { DangerousCommand } from "../../../../../lib/commands/policy.ts";
import { RUST_DANGEROUS } from "../../source/dialects/dangerous.ts";

export const WEBRCON_RUST_DANGEROUS: readonly DangerousCommand[] = [
  ...RUST_DANGEROUS,
  { command: "kickall", reason: "kicks every player off the server" },
  { command: "global.kickall", reason: "kicks every player off the server" },
];
