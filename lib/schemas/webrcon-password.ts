/**
 * Rust WebRCON carries the password as the WebSocket URL's path (ws://host:port/<password>) and the
 * server compares the path as it arrives (docs/webrcon.md): a character a client may percent-encode
 * or read as a delimiter never matches (Facepunch/webrcon#9 warns against "@#$-=()*^%"), so only
 * RFC 3986's unreserved characters, which no client encodes, are accepted.
 */
export const WEBRCON_PASSWORD_UNSENDABLE = /[^A-Za-z0-9\-._~]/;

export const WEBRCON_PASSWORD_MESSAGE =
  "Rust WebRCON sends the password in the URL: use letters, digits and - . _ ~ only";
