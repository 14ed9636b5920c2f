/** Every Source RCON dialect, in the order the UI lists them. */
import { ark } from "./ark.ts";
import type { SourceDialect } from "./common.ts";
import { factorio } from "./factorio.ts";
import { minecraft } from "./minecraft.ts";
import { palworld } from "./palworld.ts";
import { rust } from "./rust.ts";
import { squad } from "./squad.ts";
import { cs2, csgo, gmod, l4d2, tf2 } from "./srcds.ts";

export const SOURCE_DIALECTS: readonly SourceDialect[] = [
  cs2,
  csgo,
  tf2,
  gmod,
  l4d2,
  minecraft,
  rust,
  ark,
  squad,
  factorio,
  palworld,
];

export type { SourceDialect } from "./common.ts";
