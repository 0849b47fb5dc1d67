// Reads an outbox's SQLite write-ahead log (outbox.db-wal) frame by frame, without SQLite, and reports what
// SQLite would silently drop: a header or frame that fails its checksum, or a file cut off mid-frame.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

// Format: https://www.sqlite.org/fileformat2.html#walformat. A 32-byte header (magic, version, page size,
// checkpoint seq, two salts, checksum), then frames of a 24-byte header (page number, database size for a
// commit frame, the salts, a checksum running on from the frame before) and one page.

export interface WalAnomaly {
  code: 'WAL_HEADER' | 'WAL_CHECKSUM' | 'WAL_TORN';
  message: string;
}

export interface WalReport {
  bytes: number;
  pageSize: number;
  /** Frames of the current generation that verify, and how many of them end in a commit. */
  validFrames: number;
  committedFrames: number;
  anomalies: WalAnomaly[];
  /** Things seen that a crash of the writing process leaves behind and lose nothing committed. */
  notes: string[];
}

const HEADER = 32;
const FRAME_HEADER = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const VERSION = 3007000;

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** Inspects a WAL of `size` bytes. Pure apart from `read`. */
export function inspectWal(read: ReadAt, size: number): WalReport {
  const report: WalReport = { bytes: size, pageSize: 0, validFrames: 0, committedFrames: 0, anomalies: [], notes: [] };
  if (size === 0) return report;
  const anomaly = (code: WalAnomaly['code'], message: string) => report.anomalies.push({ code, message });
  if (size < HEADER) {
    anomaly('WAL_TORN', `the WAL is ${size} bytes, shorter than its ${HEADER}-byte header: it was cut short, and SQLite ignores it`);
    return report;
  }
  const header = view(read(0, HEADER));
  const magic = header.getUint32(0);
  const pageSize = header.getUint32(8);
  if ((magic !== MAGIC_LE && magic !== MAGIC_BE) || header.getUint32(4) !== VERSION || pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    anomaly('WAL_HEADER', `the WAL header is not a valid SQLite WAL header: SQLite ignores all ${size - HEADER} bytes of frames after it`);
    return report;
  }
  report.pageSize = pageSize;
  const bigEndian = magic === MAGIC_BE;
  let sum = checksum(new Uint8Array(header.buffer, header.byteOffset, 24), bigEndian, [0, 0]);
  if (sum[0] !== header.getUint32(24) || sum[1] !== header.getUint32(28)) {
    anomaly('WAL_HEADER', 'the WAL header fails its checksum: SQLite ignores every frame in the file, committed transactions included');
    return report;
  }
  const salt1 = header.getUint32(16);
  const salt2 = header.getUint32(20);
  const frameSize = FRAME_HEADER + pageSize;
  const whole = Math.floor((size - HEADER) / frameSize);
  const rest = (size - HEADER) % frameSize;
  let i = 0;
  for (; i < whole; i++) {
    const offset = HEADER + i * frameSize;
    const bytes = read(offset, frameSize);
    const frame = view(bytes);
    if (frame.getUint32(8) !== salt1 || frame.getUint32(12) !== salt2) break; // an older generation: already checkpointed
    sum = checksum(bytes.subarray(0, 8), bigEndian, sum);
    sum = checksum(bytes.subarray(FRAME_HEADER), bigEndian, sum);
    if (frame.getUint32(0) === 0 || sum[0] !== frame.getUint32(16) || sum[1] !== frame.getUint32(20)) {
      anomaly('WAL_CHECKSUM', `WAL frame ${i + 1} (byte ${offset}) fails its checksum: SQLite ignores it and the ${whole - i - 1} whole frames after it, `
        + 'so transactions committed there are lost');
      return report;
    }
    report.validFrames = i + 1;
    if (frame.getUint32(4) !== 0) report.committedFrames = i + 1;
  }
  if (i === whole && rest > 0) {
    // The frames so far are all current: the file ends inside a frame that would have followed them.
    const offset = HEADER + whole * frameSize;
    if (rest === FRAME_HEADER && sameSalts(read(offset, FRAME_HEADER), salt1, salt2)) {
      report.notes.push(`the WAL ends after the header of frame ${whole + 1}: a writer stopped between a frame's header and its page (nothing committed is lost)`);
    } else {
      anomaly('WAL_TORN', `the WAL ends mid-frame: frame ${whole + 1} (byte ${offset}) has ${rest} of its ${frameSize} bytes. The file was cut short; `
        + `transactions committed after frame ${report.committedFrames} are lost`);
    }
  }
  if (report.anomalies.length === 0 && report.validFrames > report.committedFrames) {
    report.notes.push(`${report.validFrames - report.committedFrames} frames after the last commit: a transaction that never committed (nothing committed is lost)`);
  }
  return report;
}

/** Inspects the WAL file at `path`; undefined when there is none. */
export function inspectWalFile(path: string): WalReport | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    let buffer = Buffer.alloc(0);
    return inspectWal((offset, length) => {
      if (buffer.length < length) buffer = Buffer.alloc(length);
      const n = readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, n);
    }, size);
  } finally {
    closeSync(fd);
  }
}

/** SQLite's WAL checksum: two 32-bit sums over 32-bit words, running on from `start`. */
export function checksum(bytes: Uint8Array, bigEndian: boolean, start: [number, number]): [number, number] {
  const v = view(bytes);
  let s0 = start[0];
  let s1 = start[1];
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    s0 = (s0 + v.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + v.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

function sameSalts(frameHeader: Uint8Array, salt1: number, salt2: number): boolean {
  if (frameHeader.length < 16) return false;
  const v = view(frameHeader);
  return v.getUint32(8) === salt1 && v.getUint32(12) === salt2;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
