/**
 * A game server's RCON host and port are shown only to those who may manage it. Connection errors
 * from the engine name the endpoint ("connection refused by 10.0.0.5:27015"); status reasons and
 * console notices reach every viewer, so the endpoint is replaced before they leave the hub.
 */
const PHRASE = "the game server";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function hideEndpoint(text: string, endpoint: { host: string; port: number }): string {
  const bare = endpoint.host.trim().replace(/^\[(.*)\]$/, "$1");
  if (!bare) return text;
  // The host with an optional port, as a whole name: never inside a longer word or address.
  const host = `(?:\\[${escape(bare)}\\]|${escape(bare)})(?::${endpoint.port}(?![0-9]))?`;
  const out = text.replace(new RegExp(`(?<![\\w.:-])${host}(?![\\w-]|\\.\\w)`, "g"), PHRASE);
  // A port named on its own after a colon (":27015"), never other numbers such as "5000 ms".
  return out.replace(new RegExp(`:${endpoint.port}(?![0-9])`, "g"), "");
}
