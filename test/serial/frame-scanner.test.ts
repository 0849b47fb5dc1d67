// The MAVLink frame scanner alone (pure, no port): frames from node-mavlink's encoder in any chunking, and resync:
// a length is trusted only after the CRC checks, a failed or uncheckable start costs one byte; and the reader's idle timer.
import { MSG_ID_MAGIC_NUMBER, x25crc } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { crc16, FrameScanner, type MavlinkFrame } from '../../agent/sources/serial/mavlink/frame-scanner.js';
import { createMavlinkReader } from '../../agent/sources/serial/mavlink/mavlink-reader.js';
import type { MavlinkMessage } from '../../agent/sources/serial/mavlink/messages.js';
import { waitFor } from '../helpers/wait-for.js';
import { ardupilotAhrs, frame, frameSigned, frameV1, gpsRawInt, gpsRawIntOf, heartbeat, unknownMessage } from './mavlink-frames.js';

const crcExtraOf = (msgid: number) => (MSG_ID_MAGIC_NUMBER as Record<number, number | undefined>)[msgid];
const HEARTBEAT = 0;
const GPS_RAW_INT = 24;

function scan(...chunks: Uint8Array[]): { frames: MavlinkFrame[]; scanner: FrameScanner } {
  const scanner = new FrameScanner(crcExtraOf);
  const frames: MavlinkFrame[] = [];
  for (const chunk of chunks) scanner.push(chunk, (f) => frames.push(f));
  return { frames, scanner };
}

/** lat of a GPS_RAW_INT payload (int32 LE at offset 8), which the tests use to number frames. */
const latOf = (f: MavlinkFrame) => Buffer.from(f.payload).readInt32LE(8);

describe('FrameScanner: well-formed frames', () => {
  it('reads v2, v1 and signed v2 frames with their header fields and payloads', () => {
    const v2 = heartbeat(7, { sysid: 42, compid: 190 });
    const v1 = frameV1(gpsRawIntOf({ lat: 123 }), 3, 4);
    const signed = frameSigned(gpsRawIntOf({ lat: 456 }), 5, 6);
    expect(v1[0]).toBe(0xfe);
    expect(signed[2]).toBe(0x01);
    const { frames, scanner } = scan(Buffer.concat([v2, v1, signed]));
    expect(frames.map(({ version, msgid, sysid, compid, signed }) => ({ version, msgid, sysid, compid, signed }))).toEqual([
      { version: 2, msgid: HEARTBEAT, sysid: 42, compid: 190, signed: false },
      { version: 1, msgid: GPS_RAW_INT, sysid: 3, compid: 4, signed: false },
      { version: 2, msgid: GPS_RAW_INT, sysid: 5, compid: 6, signed: true },
    ]);
    expect(Buffer.from(frames[0].payload)).toEqual(v2.subarray(10, 10 + v2[1]));
    expect(latOf(frames[1])).toBe(123);
    expect(latOf(frames[2])).toBe(456);
    expect(scanner.counters()).toEqual({ frames: 3, bad_crc: 0, unknown: 0, bad_flags: 0, noise_bytes: 0, resets: 0, timeouts: 0, v1: 1, signed: 1 });
    expect(scanner.pending).toBe(0);
  });

  it('gives the same frames whatever the chunking, down to one byte at a time', () => {
    const stream = Buffer.concat([heartbeat(1), frameV1(gpsRawIntOf({ lat: 1 })), frameSigned(gpsRawIntOf({ lat: 2 })), gpsRawInt({ lat: 3 })]);
    const whole = scan(stream).frames;
    const bytewise = scan(...Array.from(stream, (b) => Uint8Array.of(b))).frames;
    const uneven = scan(stream.subarray(0, 5), stream.subarray(5, 37), stream.subarray(37)).frames;
    expect(whole).toHaveLength(4);
    expect(bytewise).toEqual(whole);
    expect(uneven).toEqual(whole);
  });

  it('computes CRC-16/MCRF4XX as node-mavlink does', () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    for (const [from, to, extra] of [[0, 0, 0], [1, 10, 50], [3, 300, 124], [0, 255, 255]] as const) {
      // x25crc(buffer, start, trim, magic) covers buffer[start, length - trim)
      expect(crc16(bytes, from, to, extra)).toBe(x25crc(bytes.subarray(0, to), from, 0, extra));
    }
  });
});

describe('FrameScanner: resync', () => {
  it('drops one byte for a start byte whose message id no dialect knows, however long its claimed length', () => {
    // 0xFD, length 255, flags 0, ..., msgid 0xfff0: trusting the length would swallow the next frame
    const falseStart = Buffer.from([0xfd, 0xff, 0x00, 0x00, 0x00, 0x01, 0x01, 0xf0, 0xff, 0x00]);
    const good = heartbeat(9);
    const { frames, scanner } = scan(falseStart, good);
    expect(frames.map((f) => f.msgid)).toEqual([HEARTBEAT]);
    expect(scanner.counters()).toMatchObject({ frames: 1, unknown: 1, noise_bytes: falseStart.length });
  });

  it('treats a whole frame of an unknown message id as noise, and reads what follows at once', () => {
    const { frames, scanner } = scan(Buffer.concat([unknownMessage(), heartbeat(1)]));
    expect(frames.map((f) => f.msgid)).toEqual([HEARTBEAT]);
    expect(scanner.counters().unknown).toBe(1);
    expect(scanner.pending).toBe(0);
  });

  it('reads a checked frame of another dialect whole (its length is trusted once its CRC checks)', () => {
    const ahrs = ardupilotAhrs();
    const { frames, scanner } = scan(Buffer.concat([ahrs, heartbeat(1)]));
    expect(frames.map((f) => f.msgid)).toEqual([163, HEARTBEAT]); // AHRS, then the heartbeat
    expect(scanner.counters()).toMatchObject({ frames: 2, noise_bytes: 0 });
  });

  it('a false start with a known id and a bad CRC costs one byte: the frame inside its claimed length is still found', () => {
    // msgid 24 (GPS_RAW_INT) claiming 52 bytes; a real heartbeat starts 3 bytes later, inside that length
    const falseStart = Buffer.from([0xfd, 52, 0x00]);
    const good = Buffer.concat([heartbeat(3), gpsRawInt({ lat: 77 }), heartbeat(4)]);
    const { frames, scanner } = scan(falseStart, good);
    expect(frames.map((f) => f.msgid)).toEqual([HEARTBEAT, GPS_RAW_INT, HEARTBEAT]);
    expect(scanner.counters().noise_bytes).toBe(3);
  });

  it('counts a corrupted frame as bad_crc and reads the next one', () => {
    const bad = Buffer.from(gpsRawInt({ lat: 1 }));
    bad[20] ^= 0x40;
    const { frames, scanner } = scan(Buffer.concat([bad, gpsRawInt({ lat: 2 })]));
    expect(frames.map(latOf)).toEqual([2]);
    expect(scanner.counters().bad_crc).toBeGreaterThanOrEqual(1);
  });

  it('refuses v2 incompatibility flags other than "signed" (a receiver must not guess their layout)', () => {
    const flagged = Buffer.from(heartbeat(1));
    flagged[2] = 0x02;
    const { frames, scanner } = scan(Buffer.concat([flagged, heartbeat(2)]));
    expect(frames).toHaveLength(1);
    expect(scanner.counters().bad_flags).toBe(1);
  });

  it('a cut frame waits for bytes; reset() drops it so the next frame reads at once', () => {
    const cut = gpsRawInt({ lat: 5 }).subarray(0, 20);
    const next = heartbeat(6);
    const stuck = scan(cut, next);
    expect(stuck.frames).toHaveLength(0); // 20 + 21 bytes: still inside the cut frame's claimed 64
    expect(stuck.scanner.pending).toBe(cut.length + next.length);

    const { frames, scanner } = scan(cut);
    scanner.reset();
    scanner.push(next, (f) => frames.push(f));
    expect(frames.map((f) => f.msgid)).toEqual([HEARTBEAT]);
    expect(scanner.counters()).toMatchObject({ resets: 1, noise_bytes: 20 });
    scanner.reset(); // nothing pending: not counted
    expect(scanner.counters().resets).toBe(1);
  });

  it('expire(): after a quiet link, a false start stops holding the frames behind it, which are read at once', () => {
    // a v1 false start (msgid 0 is known) claiming 200 bytes, then two real frames, then silence
    const falseStart = Buffer.from([0xfe, 200, 0x00, 0x01, 0x01, 0x00]);
    const { frames, scanner } = scan(Buffer.concat([falseStart, heartbeat(1), gpsRawInt({ lat: 8 })]));
    expect(frames).toHaveLength(0);
    scanner.expire((f) => frames.push(f));
    expect(frames.map((f) => f.msgid)).toEqual([HEARTBEAT, GPS_RAW_INT]);
    expect(scanner.counters()).toMatchObject({ timeouts: 1, noise_bytes: falseStart.length });
    expect(scanner.pending).toBe(0);
    scanner.expire((f) => frames.push(f)); // nothing pending: nothing to give up
    expect(scanner.counters().timeouts).toBe(1);
  });

  it('finds all of 500 frames (v1, v2, signed) in seeded noise dense with start bytes, chunked at random', () => {
    let state = 12345;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    const parts: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const noise = Array.from({ length: Math.floor(random() * 41) }, () => (random() < 0.15 ? (random() < 0.5 ? 0xfd : 0xfe) : Math.floor(random() * 256)));
      const message = gpsRawIntOf({ lat: i });
      parts.push(Buffer.from(noise), i % 3 === 0 ? frameV1(message) : i % 3 === 1 ? frameSigned(message) : frame(message));
    }
    parts.push(Buffer.alloc(300)); // trailing zeros settle any false start still waiting at the end
    const stream = Buffer.concat(parts);
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length;) {
      const n = 1 + Math.floor(random() * 200);
      chunks.push(stream.subarray(at, at + n));
      at += n;
    }
    const { frames, scanner } = scan(...chunks);
    expect(frames.map(latOf)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const c = scanner.counters();
    expect(c.bad_crc + c.unknown + c.bad_flags).toBeGreaterThan(100);
    expect(c.v1).toBe(167);
    expect(c.signed).toBe(167);
  });
});

describe('MAVLink reader: the idle timer', () => {
  it('once the link is quiet, frames held behind a false start are decoded; close() stops the timer', async () => {
    const messages: MavlinkMessage[] = [];
    const reader = createMavlinkReader((m) => messages.push(m), 30);
    try {
      reader.push(Buffer.concat([Buffer.from([0xfe, 200, 0x00, 0x01, 0x01, 0x00]), heartbeat(7)]));
      expect(messages).toHaveLength(0);
      await waitFor('the idle timer to give up the false start', () => messages.length === 1, { timeoutMs: 5000, intervalMs: 10 });
      expect(messages[0]).toMatchObject({ kind: 'heartbeat', customMode: 7 });
      expect(reader.counters()).toMatchObject({ timeouts: 1, packets: 1, msg_heartbeat: 1 });

      reader.push(Buffer.from([0xfe, 200, 0x00, 0x01, 0x01, 0x00]));
      reader.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(reader.counters().timeouts).toBe(1); // closed: nothing expires any more
    } finally {
      reader.close();
    }
  });
});
