/**
 * TCP stream -> whole Source RCON frames. TCP reads split packets at any byte (the size field
 * included) and coalesce many packets into one read; the framer hides both. The size field is
 * validated before anything is allocated; a bad size means the stream cannot be resynchronised,
 * so the framer fails for good and the connection must be closed.
 */
import type { RconRemoteError } from "../errors.ts";
import { checkPacketSize, DEFAULT_MAX_PACKET_SIZE, readInt32LE } from "./packet.ts";

const NO_BYTES = new Uint8Array(0);

export class SourceFramer {
  private chunks: Uint8Array[] = [];
  /** Read offset into chunks[0]. */
  private offset = 0;
  private total = 0;
  private failure: RconRemoteError | null = null;
  /** Where nextFrameAt's frame is: a received chunk, or a copy when the frame spanned chunks. */
  frameBytes: Uint8Array = NO_BYTES;
  frameOffset = 0;

  constructor(private readonly maxPacketSize: number = DEFAULT_MAX_PACKET_SIZE) {}

  /** Bytes received but not yet returned as a frame. */
  get buffered(): number {
    return this.total;
  }

  /** The chunk is kept by reference until consumed: callers must not reuse it. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The next complete frame (size field included), or null when more bytes are needed. */
  nextFrame(): Uint8Array | null {
    const length = this.nextFrameAt();
    if (length === 0) return null;
    const bytes = this.frameBytes;
    return this.frameOffset === 0 && length === bytes.length
      ? bytes
      : bytes.subarray(this.frameOffset, this.frameOffset + length);
  }

  /**
   * nextFrame without making a view of the frame (one allocation per packet saved on the hot path):
   * returns the frame's length, or 0 when more bytes are needed; the frame is then the `length`
   * bytes at `frameOffset` in `frameBytes`, valid until the next call.
   */
  nextFrameAt(): number {
    if (this.failure) throw this.failure;
    if (this.total < 4) return 0;
    const size = this.peekSize();
    try {
      checkPacketSize(size, this.maxPacketSize);
    } catch (error) {
      this.failure = error as RconRemoteError;
      throw error;
    }
    const length = size + 4;
    if (this.total < length) return 0;
    const first = this.chunks[0] as Uint8Array;
    if (first.length - this.offset >= length) {
      this.frameBytes = first;
      this.frameOffset = this.offset;
      this.offset += length;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    } else {
      const frame = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const chunk = this.chunks[0] as Uint8Array;
        const take = Math.min(length - filled, chunk.length - this.offset);
        frame.set(chunk.subarray(this.offset, this.offset + take), filled);
        filled += take;
        this.offset += take;
        if (this.offset === chunk.length) {
          this.chunks.shift();
          this.offset = 0;
        }
      }
      this.frameBytes = frame;
      this.frameOffset = 0;
    }
    this.total -= length;
    return length;
  }

  private peekSize(): number {
    const first = this.chunks[0] as Uint8Array;
    if (first.length - this.offset >= 4) {
      return readInt32LE(first, this.offset);
    }
    let value = 0;
    let index = 0;
    let chunkIndex = 0;
    let position = this.offset;
    while (index < 4) {
      const chunk = this.chunks[chunkIndex] as Uint8Array;
      if (position >= chunk.length) {
        chunkIndex++;
        position = 0;
        continue;
      }
      value |= (chunk[position] as number) << (8 * index);
      position++;
      index++;
    }
    return value | 0;
  }
}
