/**
 * Rust WebRCON carries the password as the WebSocket URL's path (ws://host:port/<password>) and the
 * server compares the path as it arrives (docs/webrcon.md): only characters a URL path holds
 * without percent-encoding (RFC 3986 "pchar") can ever match.
 */
export const WEBRCON_PASSWORD_UNSENDABLE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@]/;

export const WEBRCON_PASSWORD_MESSAGE =
  "Rust WebRCON sends the password in the URL: use letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ only";
