// NMEA over a real pseudo-terminal pair (socat): the serial source opens one end, the test writes
// sentences into the other, and the fake context collects what was captured.
import { afterEach, describe, expect, it } from 'vitest';
import type { Source } from '../../agent/sources/source.js';
import { createSerialSource } from '../../agent/sources/serial/index.js';
import { withChecksum } from '../../agent/sources/serial/nmea/sentence.js';
import { schema } from '../../proto/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeContext, portConfig } from './fake-context.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';

const tempDir = useTempDirs('fieldproof-serial-');
const Fix = schema.Gnss.Fix;
const started: { source: Source; pty: PtyPair }[] = [];
afterEach(async () => {
  for (const { source, pty } of started.splice(0)) {
    await source.stop();
    await pty.stop();
  }
});

async function setup(overrides: { record_interval_ms?: number } = {}) {
  const pty = await startPtyPair(tempDir());
  const fake = fakeContext();
  const source = createSerialSource(portConfig({ name: 'gnss0', path: pty.a, protocol: 'nmea', ...overrides }), fake.ctx);
  started.push({ source, pty });
  await source.start();
  await waitFor('the source to open its end of the pty', () => source.counters().opens === 1);
  return { pty, source, ...fake };
}

describe('serial source, NMEA over a pty', () => {
  it('records Conditions with the fix from good sentences', async () => {
    const { pty, source, conditions } = await setup();
    expect(source.name).toBe('serial:gnss0');
    pty.write([
      withChecksum('GNGSA,A,3,04,05,09,12,24,,,,,,,,1.8,0.9,1.5'),
      withChecksum('GNVTG,054.7,T,034.4,M,005.5,N,010.2,K,A'),
      withChecksum('GNGGA,123519.00,4807.03800,N,01131.00000,E,1,09,0.9,545.4,M,46.9,M,,'),
    ].join('\r\n') + '\r\n');
    const [c] = await waitFor('a Conditions record', () => (conditions().length >= 1 ? conditions() : undefined), { timeoutMs: 10_000 });
    expect(c.sourceId).toBe('serial:gnss0');
    expect(c.gnss).toMatchObject({ fix: Fix.FIX_3D, satellites: 9, hdop: 0.9, altitudeM: 545.4 });
    expect(c.gnss?.latitudeDeg).toBeCloseTo(48.1173, 4);
    expect(c.gnss?.longitudeDeg).toBeCloseTo(11.516667, 5);
    expect(c.gnss?.speedMS).toBeCloseTo(10.2 / 3.6, 5);

    // southern/western hemisphere, RTK fixed, sentence split across writes
    const rtk = withChecksum('GPGGA,123520.00,3351.12345,S,15112.54321,W,4,21,0.5,12.0,M,20.1,M,1.0,0001');
    pty.write(rtk.slice(0, 20));
    pty.write(`${rtk.slice(20)}\n`);
    const last = await waitFor('the RTK record', () => conditions().find((x) => x.gnss?.fix === Fix.RTK_FIXED), { timeoutMs: 10_000 });
    expect(last.gnss?.latitudeDeg).toBeCloseTo(-(33 + 51.12345 / 60), 7);
    expect(last.gnss?.longitudeDeg).toBeCloseTo(-(151 + 12.54321 / 60), 7);
    expect(source.counters()).toMatchObject({ sentences: 4, bad_checksum: 0, malformed: 0, records: 2 });
  });

  it('counts and ignores bad checksums, truncated lines and garbage, and keeps decoding', async () => {
    const { pty, source, conditions } = await setup();
    const good = withChecksum('GPGGA,123519,4807.038,N,01131.000,E,2,08,1.1,545.4,M,46.9,M,,');
    pty.write(Buffer.from([0x00, 0xff, 0xb5, 0x62, 0x01, 0x07, 0x0d, 0x0a])); // binary noise, then a line end
    pty.write(`${good.replace(/\*..$/, '*00')}\r\n`); // bad checksum
    pty.write('$GPGGA,123519,4807.0\r\n'); // truncated
    pty.write(`${withChecksum('GPGGA,123519,4807.038,Q,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')}\r\n`); // bad hemisphere
    pty.write(`${withChecksum('GPGSV,1,1,01,03,03,111,00')}\r\n`); // a sentence we do not read
    pty.write('random text without a dollar\r\n');
    pty.write(`${good}\r\n`);
    const [c] = await waitFor('the good sentence after the bad ones', () => (conditions().length >= 1 ? conditions() : undefined), { timeoutMs: 10_000 });
    expect(c.gnss).toMatchObject({ fix: Fix.DGPS, satellites: 8 });
    expect(conditions()).toHaveLength(1);
    expect(source.counters()).toMatchObject({ sentences: 1, bad_checksum: 1, malformed: 2, unknown: 1, garbage: 2 });
  });

  it('records at most one Conditions per record_interval_ms', async () => {
    const { pty, source, conditions } = await setup({ record_interval_ms: 60_000 });
    const line = `${withChecksum('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')}\r\n`;
    pty.write(line.repeat(10));
    await waitFor('all ten sentences to be decoded', () => source.counters().sentences === 10, { timeoutMs: 10_000 });
    expect(conditions()).toHaveLength(1);
    expect(source.counters()).toMatchObject({ throttled: 9, records: 1 });
  });
});
