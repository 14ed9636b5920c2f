/** What a WebRCON dialect adds to the shared Dialect. */
import type { Dialect } from "../../../types.ts";
import type { WebRconClientOptions } from "../client.ts";

export interface WebRconDialect extends Dialect {
  family: "webrcon";
  /** How our client talks to this game (probe command, keep-alive, caps); defaults otherwise. */
  client: WebRconClientOptions;
  /**
   * One pushed message as a console line: `channel` is its WebRCON Type. Rust's Chat messages carry
   * JSON ({Channel, Message, UserId, Username, ...}), shown as the game's own console writes chat.
   */
  renderPushed(channel: string, text: string): string;
}
