/** Which passwords Rust WebRCON can carry (the URL path: lib/schemas/webrcon-password.ts). */
import {
  WEBRCON_PASSWORD_MESSAGE,
  WEBRCON_PASSWORD_UNSENDABLE,
} from "../../../lib/schemas/webrcon-password.ts";

export function checkWebRconPassword(password: string): string | null {
  if (password === "")
    return "Rust WebRCON needs a password: an empty rcon.password disables RCON on the server";
  if (password.length > 200) return "the password is too long for a WebRCON address";
  if (WEBRCON_PASSWORD_UNSENDABLE.test(password)) return WEBRCON_PASSWORD_MESSAGE;
  return null;
}
