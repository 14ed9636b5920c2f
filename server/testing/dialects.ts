/** Real dialects for tests that need one without a connection (the policy's dangerous lists). */
import { QUAKE3 } from "../rcon/protocol/quake3/dialects/quake3.ts";
import { cs2 } from "../rcon/protocol/source/dialects/srcds.ts";

export const srcdsDialect = cs2;
export const quake3Dialect = QUAKE3;
