// Finds MAVLink v1 (0xFE) and v2 (0xFD, signed or not) frames in a byte stream with line noise. Pure.
// A length is trusted only once the frame's CRC checks; otherwise the start byte is noise and one byte is dropped.

export const V1_START = 0xfe;
export const V2_START = 0xfd;
const V1_HEADER = 6;
const V2_HEADER = 10;
const CRC_BYTES = 2;
const SIGNATURE_BYTES = 13;
/** incompat_flags bit 0: the frame carries a signature. A receiver must drop frames with any other bit set. */
const IFLAG_SIGNED = 0x01;

export interface MavlinkFrame {
  version: 1 | 2;
  msgid: number;
  sysid: number;
  compid: number;
  seq: number;
  /** The payload as sent: a v2 sender trims trailing zero bytes, so it can be shorter than the message. */
  payload: Uint8Array;
  /** A v2 frame with a signature trailer (the signature itself is not checked: that needs the link's key). */
  signed: boolean;
}

export interface ScanCounters {
  /** Frames whose CRC checked out. */
  frames: number;
  /** Start bytes whose frame failed its CRC: noise, a frame cut short, or a corrupted one. */
  bad_crc: number;
  /** Start bytes followed by a message id with no known CRC_EXTRA: the frame cannot be checked, so it is noise. */
  unknown: number;
  /** v2 start bytes with incompatibility flags this reader does not know (only 0x01, signed, exists). */
  bad_flags: number;
  /** Bytes dropped while looking for the next frame. */
  noise_bytes: number;
  /** Partial frames dropped by reset() (the port went away and came back). */
  resets: number;
  /** Waits given up by expire(): the link went quiet before the frame's claimed length arrived. */
  timeouts: number;
  v1: number;
  signed: number;
}

/** The CRC_EXTRA (seed) of a message id, or undefined when no dialect known here defines it. */
export type CrcExtraOf = (msgid: number) => number | undefined;

/**
 * Push bytes in any chunking, get whole checked frames back. Never throws on input; keeps at most one
 * partial frame (280 bytes) between pushes. Call reset() when the byte stream is broken (a port reopened):
 * a partial frame from before can only be completed by unrelated bytes. Call expire() when the link has
 * been quiet a while with bytes pending: a false start near the end of a burst would otherwise hold the
 * real frames behind it until enough unrelated bytes arrive to fail its CRC.
 */
export class FrameScanner {
  private buf = new Uint8Array(0);
  private readonly counts: ScanCounters = { frames: 0, bad_crc: 0, unknown: 0, bad_flags: 0, noise_bytes: 0, resets: 0, timeouts: 0, v1: 0, signed: 0 };

  constructor(private readonly crcExtraOf: CrcExtraOf) {}

  counters(): ScanCounters {
    return { ...this.counts };
  }

  /** Bytes waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    if (this.buf.length > 0) {
      this.counts.resets++;
      this.counts.noise_bytes += this.buf.length;
    }
    this.buf = new Uint8Array(0);
  }

  /** Gives up waiting for the pending frame: its start byte is noise, and the bytes after it are scanned again. */
  expire(onFrame: (frame: MavlinkFrame) => void): void {
    if (this.buf.length === 0) return;
    const pending = this.buf;
    this.buf = new Uint8Array(0);
    this.counts.timeouts++;
    this.counts.noise_bytes++;
    this.push(pending.subarray(1), onFrame);
  }

  push(chunk: Uint8Array, onFrame: (frame: MavlinkFrame) => void): void {
    const buf = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
    let at = 0;
    for (;;) {
      const start = nextStart(buf, at);
      this.counts.noise_bytes += start - at;
      at = start;
      if (at >= buf.length) break;
      const step = this.frameAt(buf, at, onFrame);
      if (step === 0) break; // a frame that may still be whole: wait for more bytes
      at += step;
    }
    // keep only the tail (at most one partial frame), as a copy: the chunk's buffer may be reused
    this.buf = at >= buf.length ? new Uint8Array(0) : new Uint8Array(buf.subarray(at));
  }

  /** Bytes consumed at `at`: a whole frame, 1 (a false start), or 0 (need more bytes). */
  private frameAt(buf: Uint8Array, at: number, onFrame: (frame: MavlinkFrame) => void): number {
    const available = buf.length - at;
    const v2 = buf[at] === V2_START;
    const header = v2 ? V2_HEADER : V1_HEADER;
    if (available < header) return 0;
    const length = buf[at + 1];
    const flags = v2 ? buf[at + 2] : 0;
    if (flags & ~IFLAG_SIGNED) {
      this.counts.bad_flags++;
      return this.noise();
    }
    const msgid = v2 ? buf[at + 7] | (buf[at + 8] << 8) | (buf[at + 9] << 16) : buf[at + 5];
    const extra = this.crcExtraOf(msgid);
    if (extra === undefined) {
      this.counts.unknown++;
      return this.noise();
    }
    const signed = (flags & IFLAG_SIGNED) !== 0;
    const total = header + length + CRC_BYTES + (signed ? SIGNATURE_BYTES : 0);
    if (available < total) return 0;
    const crcAt = at + header + length;
    const expected = buf[crcAt] | (buf[crcAt + 1] << 8);
    if (crc16(buf, at + 1, crcAt, extra) !== expected) {
      this.counts.bad_crc++;
      return this.noise();
    }
    this.counts.frames++;
    if (v2) {
      if (signed) this.counts.signed++;
    } else {
      this.counts.v1++;
    }
    onFrame({
      version: v2 ? 2 : 1,
      msgid,
      sysid: buf[at + (v2 ? 5 : 3)],
      compid: buf[at + (v2 ? 6 : 4)],
      seq: buf[at + (v2 ? 4 : 2)],
      payload: new Uint8Array(buf.subarray(at + header, crcAt)), // a copy, as a plain Uint8Array
      signed,
    });
    return total;
  }

  private noise(): number {
    this.counts.noise_bytes++;
    return 1;
  }
}

/** The index of the next 0xFD or 0xFE at or after `from`, or buf.length. */
function nextStart(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length; i++) if (buf[i] === V2_START || buf[i] === V1_START) return i;
  return buf.length;
}

/** CRC-16/MCRF4XX (MAVLink's X.25 variant) over buf[from, to), then the message's CRC_EXTRA byte. */
export function crc16(buf: Uint8Array, from: number, to: number, extra: number): number {
  let crc = 0xffff;
  const step = (byte: number) => {
    let tmp = (byte ^ crc) & 0xff;
    tmp = (tmp ^ (tmp << 4)) & 0xff;
    crc = ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
  };
  for (let i = from; i < to; i++) step(buf[i]);
  step(extra);
  return crc;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
