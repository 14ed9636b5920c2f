/**
 * Text codec handed to protocol cores. Cores work in bytes; text is encoded and decoded only at
 * their API edge with the server's configured encoding. `decode` never throws: bytes that do not
 * decode become U+FFFD (or the encoding's equivalent).
 */
export interface TextCodec {
  readonly name: string;
  encode(text: string): Uint8Array;
  decode(bytes: Uint8Array): string;
}
