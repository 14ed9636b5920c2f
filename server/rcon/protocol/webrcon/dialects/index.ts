/** Every WebRCON dialect, in the order the UI lists them. */
import type { WebRconDialect } from "./common.ts";
import { rustWebRcon } from "./rust.ts";

export const WEBRCON_DIALECTS: readonly WebRconDialect[] = [rustWebRcon];

export type { WebRconDialect } from "./common.ts";
