// Length-prefixed frames (4-byte big-endian length, then that many bytes), bounded by max_message_bytes.
// Pure: splits a byte stream into frames and builds reply frames. An oversized length cannot be resynced.

export type FrameEvent = { frame: Buffer } | { tooLarge: number };

export const LENGTH_BYTES = 4;

export class FrameSplitter {
  private buffered: Buffer = Buffer.alloc(0);
  /** After an oversized length nothing more can be trusted: the connection is closed. */
  private broken = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): FrameEvent[] {
    if (this.broken) return [];
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: FrameEvent[] = [];
    let at = 0;
    while (this.buffered.length - at >= LENGTH_BYTES) {
      const length = this.buffered.readUInt32BE(at);
      if (length > this.maxBytes) {
        out.push({ tooLarge: length });
        this.broken = true;
        this.buffered = Buffer.alloc(0);
        return out;
      }
      if (this.buffered.length - at - LENGTH_BYTES < length) break;
      out.push({ frame: this.buffered.subarray(at + LENGTH_BYTES, at + LENGTH_BYTES + length) });
      at += LENGTH_BYTES + length;
    }
    this.buffered = this.buffered.subarray(at);
    return out;
  }

  /** The peer finished sending: describes a partial frame left behind, if any. */
  end(): string | undefined {
    const have = this.buffered.length;
    if (this.broken || have === 0) return undefined;
    if (have < LENGTH_BYTES) return `truncated frame: the connection ended after ${have} of the ${LENGTH_BYTES} length bytes`;
    const length = this.buffered.readUInt32BE(0);
    return `truncated frame: the connection ended after ${have - LENGTH_BYTES} of ${length} payload bytes`;
  }
}

export function encodeFrame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(LENGTH_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  payload.copy(out, LENGTH_BYTES);
  return out;
}
