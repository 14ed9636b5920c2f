/** The BattlEye games RconDeck knows. Arma Reforger's BattlEye mode (answers as messages) is not one of them yet. */
import type { Dialect } from "../../../types.ts";
import { arma2 } from "./arma2.ts";
import { arma3 } from "./arma3.ts";
import { dayz } from "./dayz.ts";

export const BATTLEYE_DIALECTS: readonly Dialect[] = [arma3, dayz, arma2];
export const DEFAULT_BATTLEYE_DIALECT = "arma3";
export { parseAdmins, parseBans, parseMissions, parsePlayers, parseServerMessage } from "./parsers.ts";
