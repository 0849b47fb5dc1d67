// How a packet stores a stream of items in a file: segments as frames (length, hub receive time, the Segment
// exactly as received), report rows as lines of JSON. Both split into parts only between items. Pure.

/** u32 big-endian length of the Segment bytes, then u64 big-endian hub receive time in Unix milliseconds. */
export const FRAME_HEADER_BYTES = 12;

export function frameHeader(segmentBytes: number, receivedUnixMs: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, segmentBytes);
  view.setBigUint64(4, BigInt(receivedUnixMs));
  return out;
}

export interface Frame {
  /** Where the frame starts in its part. */
  offset: number;
  receivedUnixMs: number;
  /** The Segment message's bytes (a view into the part). */
  segment: Uint8Array;
}

export class FrameError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** The frames of one part, in order; throws FrameError at the first frame that runs past the end. */
export function* framesOf(part: Uint8Array): Generator<Frame> {
  const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
  let at = 0;
  while (at < part.length) {
    if (at + FRAME_HEADER_BYTES > part.length) throw new FrameError(`frame header at byte ${at} is cut short (${part.length - at} of ${FRAME_HEADER_BYTES} bytes)`, at);
    const length = view.getUint32(at);
    const received = view.getBigUint64(at + 4);
    const start = at + FRAME_HEADER_BYTES;
    if (start + length > part.length) throw new FrameError(`frame at byte ${at} declares ${length} bytes but only ${part.length - start} follow`, at);
    yield { offset: at, receivedUnixMs: Number(received), segment: part.subarray(start, start + length) };
    at = start + length;
  }
}

/** The lines of a JSON Lines part: each ends in "\n"; the part ends with one. Returns undefined when it does not. */
export function linesOf(text: string): string[] | undefined {
  if (text.length === 0) return [];
  if (!text.endsWith('\n')) return undefined;
  return text.slice(0, -1).split('\n');
}
