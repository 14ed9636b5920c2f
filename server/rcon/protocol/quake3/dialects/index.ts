/** Every Quake 3-family dialect, default first. */
import { COD4, COD4X } from "./cod4.ts";
import type { Quake3Dialect } from "./common.ts";
import { ETLEGACY } from "./etlegacy.ts";
import { IOQ3, OPENARENA } from "./ioq3.ts";
import { OPENARENA_LEGACY, QUAKE3 } from "./quake3.ts";
import { URBANTERROR } from "./urbanterror.ts";

export const QUAKE3_DIALECTS: readonly Quake3Dialect[] = [
  OPENARENA,
  IOQ3,
  QUAKE3,
  OPENARENA_LEGACY,
  COD4,
  COD4X,
  URBANTERROR,
  ETLEGACY,
];

export function findQuake3Dialect(id: string): Quake3Dialect | undefined {
  return QUAKE3_DIALECTS.find((d) => d.id === id);
}
