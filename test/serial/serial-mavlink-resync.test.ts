// MAVLink resync over a real pty (socat): frames separated by seeded line noise full of false start bytes,
// v1 and signed v2 frames mixed in, and a frame cut by an unplug that must not swallow the next HEARTBEAT.
import { afterEach, describe, expect, it } from 'vitest';
import type { Source } from '../../agent/sources/source.js';
import { createSerialSource } from '../../agent/sources/serial/index.js';
import { px4CustomMode } from '../../agent/sources/serial/mavlink/mode-names.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { sleep, waitFor } from '../helpers/wait-for.js';
import { fakeContext, portConfig } from './fake-context.js';
import { frame, frameSigned, frameV1, gpsRawInt, gpsRawIntOf, heartbeat } from './mavlink-frames.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';
import { seededRandom } from '../../simulator/prng.js';

const tempDir = useTempDirs('fieldproof-serial-');
const POSCTL = px4CustomMode(3);
const AUTO_LAND = px4CustomMode(4, 6);
const started: { source: Source; pty: PtyPair }[] = [];
afterEach(async () => {
  for (const { source, pty } of started.splice(0)) {
    await source.stop();
    await pty.stop();
  }
});

async function setup() {
  const pty = await startPtyPair(tempDir());
  const fake = fakeContext();
  const source = createSerialSource(portConfig({ name: 'fc0', path: pty.a, protocol: 'mavlink', autopilot: 'px4', reconnect_ms: 100 }), fake.ctx);
  started.push({ source, pty });
  await source.start();
  await waitFor('the source to open its end of the pty', () => source.counters().opens === 1);
  return { pty, source, ...fake };
}

/** mulberry32 (the simulator's): a small seeded PRNG, so a failing noise pattern can be replayed. */
const prng = seededRandom;

/** 0..40 random bytes; every other gap also carries a false start byte (0xFD or 0xFE) somewhere in it. */
function noise(random: () => number): Buffer {
  const bytes = Array.from({ length: Math.floor(random() * 41) }, () => Math.floor(random() * 256));
  if (random() < 0.5) bytes.splice(Math.floor(random() * (bytes.length + 1)), 0, random() < 0.5 ? 0xfd : 0xfe);
  return Buffer.from(bytes);
}

/** Frame i: GPS_RAW_INT with lat = i, as v2, or v1 (every 5th), or signed v2 (every 7th). */
function numbered(i: number): Buffer {
  const message = gpsRawIntOf({ lat: 470_000_000 + i, satellitesVisible: 9 });
  if (i % 7 === 3) return frameSigned(message);
  if (i % 5 === 1) return frameV1(message);
  return frame(message);
}

/** Writes in slices with a pause between, so the pty never fills while this process is the reader too. */
async function writeSlowly(pty: PtyPair, bytes: Buffer, slice = 1024): Promise<void> {
  for (let at = 0; at < bytes.length; at += slice) {
    pty.write(bytes.subarray(at, at + slice));
    await sleep(5);
  }
}

/** Waits until `count` reaches `target`, or stops changing for `quietMs`; returns the last count. */
async function settle(count: () => number, target: number, quietMs = 1500, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = count();
    if (now >= target) return now;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    await sleep(50);
  }
  return count();
}

describe('serial source, MAVLink resync after noise and cuts', () => {
  it('records at least 199 of 200 frames with 0-40 noise bytes (false start bytes included) between them', async () => {
    const { pty, source, conditions } = await setup();
    const random = prng(20250605);
    const parts: Buffer[] = [];
    for (let i = 0; i < 200; i++) parts.push(noise(random), numbered(i));
    const stream = Buffer.concat(parts);
    const falseStarts = parts.filter((_, k) => k % 2 === 0).reduce((n, gap) => n + gap.filter((b) => b === 0xfd || b === 0xfe).length, 0);
    expect(falseStarts).toBeGreaterThan(50); // the noise really is full of start bytes
    await writeSlowly(pty, stream);
    const seen = () => new Set(conditions().map((c) => Math.round((c.gnss?.latitudeDeg ?? 0) * 1e7) - 470_000_000)).size;
    const recorded = await settle(seen, 200);
    console.log(`MAVLink resync: ${recorded} of 200 frames recorded (${falseStarts} false start bytes in the noise)`);
    expect(recorded).toBeGreaterThanOrEqual(199);
    const counters = source.counters();
    const sent = Array.from({ length: 200 }, (_, i) => numbered(i));
    const v1Sent = sent.filter((f) => f[0] === 0xfe).length;
    const signedSent = sent.filter((f) => f[0] === 0xfd && f[2] === 0x01).length;
    expect([v1Sent, signedSent]).toEqual([35, 29]);
    expect(counters.v1).toBeGreaterThanOrEqual(v1Sent - 1);
    expect(counters.signed).toBeGreaterThanOrEqual(signedSent - 1);
    expect(counters.data_errors).toBe(0);
    // every frame that was recorded is one that was sent, unaltered
    for (const c of conditions()) expect(c.gnss).toMatchObject({ satellites: 9, longitudeDeg: 8.5455939 });
  });

  it('a frame cut by an unplug does not swallow the HEARTBEAT after the replug: the change to AUTO.LAND is recorded', async () => {
    const { pty, source, handovers } = await setup();
    pty.write(heartbeat(POSCTL));
    await waitFor('the baseline heartbeat', () => source.counters().msg_heartbeat === 1, { timeoutMs: 10_000 });
    const cut = gpsRawInt({ satellitesVisible: 5 });
    const before = source.counters().bytes;
    pty.write(cut.subarray(0, 20)); // its header promises 40 more bytes that never come
    await waitFor('the cut frame to be read', () => source.counters().bytes >= before + 20, { timeoutMs: 10_000 });

    await pty.stop(); // unplug
    await waitFor('the source to notice the unplug', () => source.counters().disconnects === 1, { timeoutMs: 10_000 });
    await pty.start(); // replug
    await waitFor('the reconnect', () => source.counters().reconnects === 1 && source.counters().connected === 1, { timeoutMs: 10_000 });

    pty.write(heartbeat(AUTO_LAND)); // one heartbeat, and then silence: it alone must carry the change
    const [h] = await waitFor('the Handover to AUTO.LAND', () => (handovers().length >= 1 ? handovers() : undefined), {
      timeoutMs: 10_000,
      describe: () => source.counters(),
    });
    expect(h).toMatchObject({ fromMode: 'POSCTL', toMode: 'AUTO.LAND' });
    // the cut frame was dropped once: at the reopen, or by the idle timer if the outage outlasted it
    const { resets, timeouts, msg_heartbeat } = source.counters();
    expect({ dropped: resets + timeouts, msg_heartbeat }).toEqual({ dropped: 1, msg_heartbeat: 2 });
  });
});
