// MAVLink over a real pseudo-terminal pair (socat): frames from node-mavlink's encoder become
// Handover, Conditions and Health records; corrupt frames and noise are counted and never stop decoding.
import { afterEach, describe, expect, it } from 'vitest';
import type { Source } from '../../agent/sources/source.js';
import { createSerialSource } from '../../agent/sources/serial/index.js';
import { px4CustomMode } from '../../agent/sources/serial/mavlink/mode-names.js';
import { schema } from '../../proto/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeContext, portConfig } from './fake-context.js';
import { ardupilotAhrs, gpsRawInt, heartbeat, SENSOR, sysStatus, unknownMessage, vibration } from './mavlink-frames.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';

const tempDir = useTempDirs('fieldproof-serial-');
const { Authority, Initiator, Phase } = schema.Handover;
const Fix = schema.Gnss.Fix;
const AUTO_MISSION = px4CustomMode(4, 4);
const POSCTL = px4CustomMode(3);
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
  const source = createSerialSource(portConfig({ name: 'fc0', path: pty.a, protocol: 'mavlink', autopilot: 'px4' }), fake.ctx);
  started.push({ source, pty });
  await source.start();
  await waitFor('the source to open its end of the pty', () => source.counters().opens === 1);
  return { pty, source, ...fake };
}

describe('serial source, MAVLink over a pty', () => {
  it('turns a HEARTBEAT mode change AUTO.MISSION -> POSCTL into an accepted Handover', async () => {
    const { pty, source, handovers } = await setup();
    pty.write(heartbeat(AUTO_MISSION));
    pty.write(heartbeat(0, { type: 6, autopilot: 8, sysid: 255, compid: 190 })); // the ground station's own heartbeat
    pty.write(heartbeat(AUTO_MISSION));
    await waitFor('three heartbeats', () => (source.counters().msg_heartbeat ?? 0) >= 3, { timeoutMs: 10_000 });
    expect(handovers()).toHaveLength(0); // the first only sets the baseline
    pty.write(heartbeat(POSCTL));
    const [h] = await waitFor('a Handover', () => (handovers().length >= 1 ? handovers() : undefined), { timeoutMs: 10_000 });
    expect(h).toMatchObject({
      fromMode: 'AUTO.MISSION', toMode: 'POSCTL', fromAuthority: Authority.AUTONOMY, toAuthority: Authority.HUMAN,
      initiator: Initiator.OPERATOR, phase: Phase.ACCEPTED,
    });
    expect(h.acceptedUnixNs).toBeTruthy();
    expect(source.counters()).toMatchObject({ handovers: 1, heartbeats_ignored: 1, bad_crc: 0 });
  });

  it('maps VIBRATION, SYS_STATUS and GPS_RAW_INT to records', async () => {
    const { pty, conditions, health } = await setup();
    pty.write(vibration(2.5, 3.5, 12, [5, 0, 1]));
    pty.write(vibration(2.7, 3.1, 14, [9, 0, 4]));
    const present = SENSOR.SENSOR_3D_GYRO | SENSOR.SENSOR_3D_ACCEL | SENSOR.SENSOR_GPS;
    pty.write(sysStatus(present, present, SENSOR.SENSOR_3D_GYRO | SENSOR.SENSOR_3D_ACCEL));
    pty.write(gpsRawInt());
    await waitFor('vibration, health and gnss records', () => conditions().length >= 3 && health().length >= 1, { timeoutMs: 10_000 });
    const vib = conditions().filter((c) => c.vibration).map((c) => c.vibration);
    expect(vib[0]).toMatchObject({ clipX: 0, clipY: 0, clipZ: 0 });
    expect(vib[1]?.rmsX).toBeCloseTo(2.7, 5);
    expect(vib[1]?.rmsZ).toBeCloseTo(14, 5);
    expect(vib[1]).toMatchObject({ clipX: 4, clipY: 0, clipZ: 3 });
    expect(health()[0].sensors).toEqual([
      { name: '3d_gyro', ok: true, detail: 'serial:fc0 system 1: enabled, healthy' },
      { name: '3d_accel', ok: true, detail: 'serial:fc0 system 1: enabled, healthy' },
      { name: 'gps', ok: false, detail: 'serial:fc0 system 1: enabled, unhealthy' },
    ]);
    const gnss = conditions().find((c) => c.gnss)?.gnss;
    expect(gnss).toMatchObject({ fix: Fix.FIX_3D, satellites: 14, latitudeDeg: 47.3977418, longitudeDeg: 8.5455939, altitudeM: 488.123, speedMS: 12.34 });
    expect(gnss?.hdop).toBeCloseTo(0.87, 6);
    expect(conditions().every((c) => c.sourceId === 'serial:fc0')).toBe(true);
  });

  it('counts cut, corrupted and noisy frames, never crashes, and decodes the good frames after them', async () => {
    const { pty, source, conditions, handovers } = await setup();
    const cut = gpsRawInt({ satellitesVisible: 3 });
    const flipped = Buffer.from(gpsRawInt({ satellitesVisible: 4 }));
    flipped[flipped.length - 1] ^= 0xff;
    flipped[flipped.length - 2] ^= 0xff;
    const noise = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 97 + 13) & 0xff).filter((b) => b !== 0xfd && b !== 0xfe));
    pty.write(heartbeat(AUTO_MISSION));
    pty.write(cut.subarray(0, cut.length >> 1)); // cut in half: the rest never comes
    pty.write(noise);
    pty.write(flipped); // CRC bytes flipped
    pty.write(Buffer.from([0xfd, 0x09, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x00, 0x00])); // a false start
    pty.write(noise);
    pty.write(ardupilotAhrs()); // valid, but a dialect this source does not read
    pty.write(unknownMessage());
    // a live link keeps talking: send good frames until they come through
    const good = await waitFor('good frames after the damage', () => {
      pty.write(Buffer.concat([gpsRawInt({ satellitesVisible: 17 }), heartbeat(POSCTL)]));
      return handovers().length >= 1 ? conditions().find((c) => c.gnss?.satellites === 17) : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100 });
    expect(good.gnss?.fix).toBe(Fix.FIX_3D);
    expect(handovers()[0]).toMatchObject({ fromMode: 'AUTO.MISSION', toMode: 'POSCTL' });
    expect(conditions().some((c) => c.gnss?.satellites === 3 || c.gnss?.satellites === 4)).toBe(false);
    const counters = source.counters();
    expect(counters.bad_crc).toBeGreaterThanOrEqual(2);
    expect(counters.unknown).toBeGreaterThanOrEqual(1); // the message id in no dialect: cannot be checked, so noise
    expect(counters.unread).toBe(1); // the ArduPilot AHRS: checked, but not a message this source reads
    expect(counters.data_errors).toBe(0);
    expect(counters.opens).toBe(1);
  });
});
