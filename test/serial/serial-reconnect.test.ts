// Unplug and replug with a real pseudo-terminal pair: socat is killed (the device disappears), the
// source keeps retrying without crashing, socat comes back under the same names and decoding resumes.
import { afterEach, describe, expect, it } from 'vitest';
import type { Source } from '../../agent/sources/source.js';
import { createSerialSource } from '../../agent/sources/serial/index.js';
import { withChecksum } from '../../agent/sources/serial/nmea/sentence.js';
import { px4CustomMode } from '../../agent/sources/serial/mavlink/mode-names.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeContext, portConfig } from './fake-context.js';
import { gpsRawInt, heartbeat } from './mavlink-frames.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';

const tempDir = useTempDirs('fieldproof-serial-');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

function track(source: Source, pty?: PtyPair) {
  cleanup.push(async () => {
    await source.stop();
    await pty?.stop();
  });
}

const gga = (sats: number) => `${withChecksum(`GPGGA,123519,4807.038,N,01131.000,E,1,${String(sats).padStart(2, '0')},0.9,545.4,M,46.9,M,,`)}\r\n`;

describe('serial source, unplug and replug', () => {
  it('NMEA: keeps retrying while the pty is gone, reconnects to the new one and decodes again', async () => {
    const pty = await startPtyPair(tempDir());
    const { ctx, conditions } = fakeContext();
    const source = createSerialSource(portConfig({ name: 'gnss0', path: pty.a, protocol: 'nmea', reconnect_ms: 100 }), ctx);
    track(source, pty);
    await source.start();
    await waitFor('the first open', () => source.counters().opens === 1);
    pty.write(gga(7));
    await waitFor('a record before the unplug', () => conditions().some((c) => c.gnss?.satellites === 7), { timeoutMs: 10_000 });

    await pty.stop(); // unplug
    await waitFor('the source to notice the unplug and fail to reopen', () => source.counters().disconnects === 1 && source.counters().open_errors >= 2, { timeoutMs: 10_000 });
    expect(source.counters().connected).toBe(0);

    await pty.start(); // replug, same link names
    await waitFor('the reconnect', () => source.counters().reconnects >= 1 && source.counters().connected === 1, { timeoutMs: 10_000 });
    pty.write(gga(11));
    await waitFor('a record after the replug', () => conditions().some((c) => c.gnss?.satellites === 11), { timeoutMs: 10_000 });
    expect(source.counters()).toMatchObject({ opens: 2, reconnects: 1, disconnects: 1, data_errors: 0 });
  });

  it('MAVLink: the mode baseline survives the outage and new frames decode after the replug', async () => {
    const pty = await startPtyPair(tempDir());
    const { ctx, conditions, handovers } = fakeContext();
    const source = createSerialSource(portConfig({ name: 'fc0', path: pty.a, protocol: 'mavlink', reconnect_ms: 100 }), ctx);
    track(source, pty);
    await source.start();
    await waitFor('the first open', () => source.counters().opens === 1);
    pty.write(heartbeat(px4CustomMode(4, 4)));
    await waitFor('the baseline heartbeat', () => source.counters().msg_heartbeat === 1, { timeoutMs: 10_000 });

    await pty.stop();
    await waitFor('failed reopen attempts', () => source.counters().open_errors >= 2, { timeoutMs: 10_000 });
    await pty.start();
    await waitFor('the reconnect', () => source.counters().reconnects >= 1 && source.counters().connected === 1, { timeoutMs: 10_000 });
    pty.write(Buffer.concat([heartbeat(px4CustomMode(4, 5)), gpsRawInt({ satellitesVisible: 12 })]));
    const [h] = await waitFor('a Handover after the replug', () => (handovers().length >= 1 ? handovers() : undefined), { timeoutMs: 10_000 });
    expect(h).toMatchObject({ fromMode: 'AUTO.MISSION', toMode: 'AUTO.RTL' });
    await waitFor('gnss after the replug', () => conditions().some((c) => c.gnss?.satellites === 12), { timeoutMs: 10_000 });
  });

  it('waits for a port that is missing at start', async () => {
    const dir = tempDir();
    const { ctx, conditions } = fakeContext();
    const source = createSerialSource(portConfig({ name: 'late', path: `${dir}/a`, protocol: 'nmea', reconnect_ms: 100 }), ctx);
    track(source);
    await source.start();
    await waitFor('failed attempts while nothing is plugged in', () => source.counters().open_errors >= 2, { timeoutMs: 10_000 });
    const pty = await startPtyPair(dir);
    cleanup.push(() => pty.stop());
    await waitFor('the port to open once it appears', () => source.counters().opens === 1, { timeoutMs: 10_000 });
    pty.write(gga(5));
    await waitFor('a record', () => conditions().some((c) => c.gnss?.satellites === 5), { timeoutMs: 10_000 });
    expect(source.counters().reconnects).toBe(0);
  });

  it('stop() closes the port and stops retrying', async () => {
    const dir = tempDir();
    const { ctx } = fakeContext();
    const source = createSerialSource(portConfig({ name: 'gone', path: `${dir}/missing`, protocol: 'mavlink', reconnect_ms: 50 }), ctx);
    await source.start();
    await waitFor('a failed attempt', () => source.counters().open_errors >= 1, { timeoutMs: 10_000 });
    await source.stop();
    const after = source.counters().open_errors;
    await new Promise((r) => setTimeout(r, 300));
    expect(source.counters().open_errors).toBe(after);
  });
});
