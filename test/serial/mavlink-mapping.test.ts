// MAVLink messages to records, pure: HEARTBEAT mode changes to Handovers, VIBRATION clipping deltas,
// SYS_STATUS sensor health (on change, else every 5 s) and GPS_RAW_INT to gnss.
import { describe, expect, it } from 'vitest';
import { gnssFromGpsRaw } from '../../agent/sources/serial/mavlink/gps-raw.js';
import type { GpsRawInt, Heartbeat, SysStatus, Vibration } from '../../agent/sources/serial/mavlink/messages.js';
import { px4CustomMode } from '../../agent/sources/serial/mavlink/mode-names.js';
import { ModeTracker } from '../../agent/sources/serial/mavlink/mode-tracker.js';
import { SensorHealthTracker } from '../../agent/sources/serial/mavlink/sys-status.js';
import { VibrationTracker } from '../../agent/sources/serial/mavlink/vibration.js';
import { schema, toBigInt } from '../../proto/index.js';

const { Authority, Initiator, Phase } = schema.Handover;
const Fix = schema.Gnss.Fix;

const hb = (customMode: number, over: Partial<Heartbeat> = {}): Heartbeat => ({
  kind: 'heartbeat', sysid: 1, compid: 1, type: 2, autopilot: 12, baseMode: 0x81, customMode, ...over,
});

describe('HEARTBEAT -> Handover', () => {
  it('sets a baseline first, then records each change of mode', () => {
    const t = new ModeTracker('px4', 'copter', 'serial:fc0');
    expect(t.update(hb(px4CustomMode(4, 4)), 1n)).toEqual({ kind: 'baseline', mode: 'AUTO.MISSION' });
    expect(t.update(hb(px4CustomMode(4, 4)), 2n)).toEqual({ kind: 'same', mode: 'AUTO.MISSION' });
    const u = t.update(hb(px4CustomMode(3)), 1_700_000_000_123_456_789n);
    expect(u.kind).toBe('change');
    if (u.kind !== 'change' || !('handover' in u.body)) throw new Error('expected a handover');
    const h = u.body.handover;
    expect(h).toMatchObject({
      fromMode: 'AUTO.MISSION', toMode: 'POSCTL', fromAuthority: Authority.AUTONOMY, toAuthority: Authority.HUMAN,
      initiator: Initiator.OPERATOR, phase: Phase.ACCEPTED,
    });
    expect(toBigInt(h.acceptedUnixNs as never)).toBe(1_700_000_000_123_456_789n);
    expect(h.handoverId).toContain('serial:fc0');
    const rtl = t.update(hb(px4CustomMode(4, 5)), 3n);
    expect(rtl.kind === 'change' && 'handover' in rtl.body && rtl.body.handover).toMatchObject({ fromMode: 'POSCTL', toMode: 'AUTO.RTL', initiator: Initiator.SYSTEM });
  });

  it('ignores ground stations and components that are not autopilots, and tracks each autopilot apart', () => {
    const t = new ModeTracker('ardupilot', 'copter', 'serial:fc0');
    expect(t.update(hb(0, { type: 6, autopilot: 8 }), 1n)).toEqual({ kind: 'ignored' }); // GCS
    expect(t.update(hb(0, { type: 30, autopilot: 8, compid: 100 }), 1n)).toEqual({ kind: 'ignored' }); // camera
    expect(t.update(hb(3, { autopilot: 3 }), 1n)).toEqual({ kind: 'baseline', mode: 'AUTO' });
    expect(t.update(hb(5, { autopilot: 3, sysid: 2 }), 1n)).toEqual({ kind: 'baseline', mode: 'LOITER' });
    expect(t.update(hb(0, { type: 6, autopilot: 8 }), 1n)).toEqual({ kind: 'ignored' });
    expect(t.update(hb(6, { autopilot: 3 }), 1n)).toMatchObject({ kind: 'change', from: 'AUTO', to: 'RTL' });
  });
});

describe('VIBRATION', () => {
  const vib = (c0: number, c1: number, c2: number): Vibration => ({
    kind: 'vibration', sysid: 1, compid: 1, vibrationX: 1.5, vibrationY: 2.5, vibrationZ: 9, clipping0: c0, clipping1: c1, clipping2: c2,
  });

  it('reports RMS per axis and clipping as deltas since the last recorded message', () => {
    const t = new VibrationTracker();
    expect(t.body(vib(10, 20, 30), 's')).toEqual({ conditions: { sourceId: 's', vibration: { rmsX: 1.5, rmsY: 2.5, rmsZ: 9, clipX: 0, clipY: 0, clipZ: 0 } } });
    expect(t.body(vib(12, 20, 35), 's')).toMatchObject({ conditions: { vibration: { clipX: 2, clipY: 0, clipZ: 5 } } });
    // the autopilot restarted: counters start again from zero
    expect(t.body(vib(1, 0, 3), 's')).toMatchObject({ conditions: { vibration: { clipX: 1, clipY: 0, clipZ: 3 } } });
  });
});

describe('SYS_STATUS -> Health', () => {
  const GYRO = 1;
  const ACCEL = 2;
  const GPS = 32;
  const status = (present: number, enabled: number, health: number): SysStatus => ({ kind: 'sys_status', sysid: 1, compid: 1, present, enabled, health });
  const names = (bit: number) => ({ 1: '3d_gyro', 2: '3d_accel', 32: 'gps' })[bit];

  it('lists present sensors, ok when enabled and healthy, on change or every 5 s', () => {
    const t = new SensorHealthTracker(names, 'serial:fc0');
    const first = t.update(status(GYRO | ACCEL | GPS, GYRO | ACCEL | GPS, GYRO | ACCEL), 0);
    expect(first).toMatchObject({
      health: { sensors: [{ name: '3d_gyro', ok: true }, { name: '3d_accel', ok: true }, { name: 'gps', ok: false, detail: 'serial:fc0 system 1: enabled, unhealthy' }] },
    });
    expect(t.update(status(GYRO | ACCEL | GPS, GYRO | ACCEL | GPS, GYRO | ACCEL), 1000)).toBeUndefined();
    expect(t.update(status(GYRO | ACCEL | GPS, GYRO | ACCEL | GPS, GYRO | ACCEL | GPS), 2000)).toMatchObject({ health: { sensors: [{}, {}, { name: 'gps', ok: true }] } });
    expect(t.update(status(GYRO | ACCEL | GPS, GYRO | ACCEL | GPS, GYRO | ACCEL | GPS), 6999)).toBeUndefined();
    expect(t.update(status(GYRO | ACCEL | GPS, GYRO | ACCEL | GPS, GYRO | ACCEL | GPS), 7000)).toBeDefined();
    // disabled is not ok; the EXTENSION_USED flag and unnamed bits
    const other = new SensorHealthTracker(names, 's').update(status(GYRO | 0x80000000 | 0x40000000, 0, GYRO), 0);
    expect(other).toMatchObject({ health: { sensors: [{ name: '3d_gyro', ok: false, detail: 's system 1: disabled, healthy' }, { name: 'sensor_bit_30', ok: false }] } });
  });
});

describe('GPS_RAW_INT -> gnss', () => {
  const raw = (over: Partial<GpsRawInt> = {}): GpsRawInt => ({
    kind: 'gps_raw_int', sysid: 1, compid: 1, fixType: 3, lat: 473977418, lon: 85455939, alt: 488123, eph: 87, vel: 1234, satellitesVisible: 14, ...over,
  });

  it('converts units and maps the fix type', () => {
    expect(gnssFromGpsRaw(raw())).toEqual({ fix: Fix.FIX_3D, satellites: 14, hdop: 0.87, latitudeDeg: 47.3977418, longitudeDeg: 8.5455939, altitudeM: 488.123, speedMS: 12.34 });
    expect(gnssFromGpsRaw(raw({ fixType: 6 })).fix).toBe(Fix.RTK_FIXED);
    expect(gnssFromGpsRaw(raw({ fixType: 5 })).fix).toBe(Fix.RTK_FLOAT);
    expect(gnssFromGpsRaw(raw({ fixType: 4 })).fix).toBe(Fix.DGPS);
    expect(gnssFromGpsRaw(raw({ fixType: 2 }))).not.toHaveProperty('altitudeM');
    expect(gnssFromGpsRaw(raw({ fixType: 1, eph: 65535, vel: 65535, satellitesVisible: 255 }))).toEqual({ fix: Fix.NO_FIX, satellites: 0 });
    expect(gnssFromGpsRaw(raw({ fixType: 0 })).fix).toBe(Fix.NO_FIX);
    expect(gnssFromGpsRaw(raw({ vel: 65535 }))).not.toHaveProperty('speedMS');
  });
});
