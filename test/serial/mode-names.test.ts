// Flight-mode names and the authority rule, pure: PX4 custom_mode decoding (values as PX4 sends them),
// ArduPilot tables checked against the mode enums node-mavlink generates from ardupilotmega.xml.
import { describe, expect, it } from 'vitest';
import { ardupilotmega } from 'node-mavlink';
import { modeAuthority, modeInitiator } from '../../agent/sources/serial/mavlink/mode-authority.js';
import { ARDUPILOT_MODES, ardupilotModeName, modeName, px4CustomMode, px4ModeName } from '../../agent/sources/serial/mavlink/mode-names.js';
import { schema } from '../../proto/index.js';

const { Authority, Initiator } = schema.Handover;

describe('PX4 custom_mode', () => {
  it('decodes main and sub mode from the top two bytes', () => {
    // custom_mode values as seen in PX4 HEARTBEATs
    expect(px4ModeName(65536)).toBe('MANUAL');
    expect(px4ModeName(131072)).toBe('ALTCTL');
    expect(px4ModeName(196608)).toBe('POSCTL');
    expect(px4ModeName(50593792)).toBe('AUTO.LOITER');
    expect(px4ModeName(67371008)).toBe('AUTO.MISSION');
    expect(px4ModeName(84148224)).toBe('AUTO.RTL');
    expect(px4ModeName(100925440)).toBe('AUTO.LAND');
    expect(px4ModeName(33816576)).toBe('AUTO.TAKEOFF');
    expect(px4ModeName(393216)).toBe('OFFBOARD');
  });

  it('names every main and sub mode of px4_custom_mode.h', () => {
    const main = ['MANUAL', 'ALTCTL', 'POSCTL', 'AUTO', 'ACRO', 'OFFBOARD', 'STABILIZED', 'RATTITUDE', 'SIMPLE', 'TERMINATION', 'ALTITUDE_CRUISE'];
    main.forEach((name, i) => {
      if (name !== 'AUTO') expect(px4ModeName(px4CustomMode(i + 1))).toBe(name);
    });
    const auto = ['READY', 'TAKEOFF', 'LOITER', 'MISSION', 'RTL', 'LAND', 'RTGS', 'FOLLOW_TARGET', 'PRECLAND', 'VTOL_TAKEOFF'];
    auto.forEach((name, i) => expect(px4ModeName(px4CustomMode(4, i + 1))).toBe(`AUTO.${name}`));
    expect(px4ModeName(px4CustomMode(4, 11))).toBe('AUTO.EXTERNAL1');
    expect(px4ModeName(px4CustomMode(4, 18))).toBe('AUTO.EXTERNAL8');
    expect(px4ModeName(px4CustomMode(3, 1))).toBe('POSCTL.ORBIT');
    expect(px4ModeName(px4CustomMode(3, 2))).toBe('POSCTL.SLOW');
  });

  it('keeps unknown modes recognisable instead of guessing', () => {
    expect(px4ModeName(px4CustomMode(4, 99))).toBe('PX4:4.99');
    expect(px4ModeName(px4CustomMode(42))).toBe('PX4:42.0');
    expect(px4ModeName(0)).toBe('PX4:0.0');
    expect(px4CustomMode(4, 9)).toBe(0x09040000);
  });
});

describe('ArduPilot modes', () => {
  const enums = { copter: ardupilotmega.CopterMode, plane: ardupilotmega.PlaneMode, rover: ardupilotmega.RoverMode, sub: ardupilotmega.SubMode };

  it('match the published COPTER_MODE / PLANE_MODE / ROVER_MODE / SUB_MODE enums entry for entry', () => {
    for (const [vehicle, e] of Object.entries(enums) as [keyof typeof enums, Record<string, string | number>][]) {
      const published = Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k]));
      expect(ARDUPILOT_MODES[vehicle], vehicle).toEqual(published);
    }
  });

  it('names modes by number per vehicle', () => {
    expect(ardupilotModeName('copter', 0)).toBe('STABILIZE');
    expect(ardupilotModeName('copter', 3)).toBe('AUTO');
    expect(ardupilotModeName('copter', 4)).toBe('GUIDED');
    expect(ardupilotModeName('copter', 5)).toBe('LOITER');
    expect(ardupilotModeName('copter', 6)).toBe('RTL');
    expect(ardupilotModeName('copter', 9)).toBe('LAND');
    expect(ardupilotModeName('copter', 16)).toBe('POSHOLD');
    expect(ardupilotModeName('plane', 10)).toBe('AUTO');
    expect(ardupilotModeName('rover', 4)).toBe('HOLD');
    expect(ardupilotModeName('sub', 19)).toBe('MANUAL');
    expect(ardupilotModeName('copter', 8)).toBe('COPTER:8');
    expect(modeName('ardupilot', 'plane', 11)).toBe('RTL');
    expect(modeName('px4', 'copter', 67371008)).toBe('AUTO.MISSION');
  });
});

describe('authority and initiator', () => {
  it('puts autonomous modes with AUTONOMY and manual or assisted ones with HUMAN', () => {
    for (const mode of ['AUTO.MISSION', 'AUTO.LOITER', 'AUTO.RTL', 'AUTO.LAND', 'AUTO.TAKEOFF', 'OFFBOARD', 'POSCTL.ORBIT']) {
      expect(modeAuthority('px4', 'copter', mode), mode).toBe(Authority.AUTONOMY);
    }
    for (const mode of ['MANUAL', 'POSCTL', 'ALTCTL', 'ACRO', 'STABILIZED', 'POSCTL.SLOW']) {
      expect(modeAuthority('px4', 'copter', mode), mode).toBe(Authority.HUMAN);
    }
    expect(modeAuthority('px4', 'copter', 'TERMINATION')).toBe(Authority.SAFETY_MONITOR);
    for (const mode of ['AUTO', 'GUIDED', 'RTL', 'LAND', 'SMART_RTL']) expect(modeAuthority('ardupilot', 'copter', mode), mode).toBe(Authority.AUTONOMY);
    for (const mode of ['STABILIZE', 'LOITER', 'POSHOLD', 'ACRO', 'ALT_HOLD']) expect(modeAuthority('ardupilot', 'copter', mode), mode).toBe(Authority.HUMAN);
    // a plane's LOITER circles on its own; a copter's holds position under the pilot's sticks
    expect(modeAuthority('ardupilot', 'plane', 'LOITER')).toBe(Authority.AUTONOMY);
    expect(modeAuthority('ardupilot', 'plane', 'FLY_BY_WIRE_A')).toBe(Authority.HUMAN);
    expect(modeAuthority('ardupilot', 'rover', 'MANUAL')).toBe(Authority.HUMAN);
    expect(modeAuthority('ardupilot', 'sub', 'SURFACE')).toBe(Authority.AUTONOMY);
    expect(modeAuthority('px4', 'copter', 'PX4:4.99')).toBe(Authority.AUTHORITY_UNSPECIFIED);
    expect(modeAuthority('ardupilot', 'plane', 'INITIALIZING')).toBe(Authority.AUTHORITY_UNSPECIFIED);
  });

  it('calls failsafe targets SYSTEM, termination SAFETY, and everything else OPERATOR', () => {
    expect(modeInitiator('px4', 'copter', 'AUTO.RTL')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('px4', 'copter', 'AUTO.LAND')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('px4', 'copter', 'TERMINATION')).toBe(Initiator.SAFETY);
    expect(modeInitiator('px4', 'copter', 'POSCTL')).toBe(Initiator.OPERATOR);
    expect(modeInitiator('px4', 'copter', 'AUTO.MISSION')).toBe(Initiator.OPERATOR);
    expect(modeInitiator('ardupilot', 'copter', 'RTL')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('ardupilot', 'copter', 'SMART_RTL')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('ardupilot', 'copter', 'LAND')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('ardupilot', 'copter', 'GUIDED')).toBe(Initiator.OPERATOR);
    expect(modeInitiator('ardupilot', 'rover', 'HOLD')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('ardupilot', 'plane', 'QRTL')).toBe(Initiator.SYSTEM);
    expect(modeInitiator('ardupilot', 'sub', 'SURFACE')).toBe(Initiator.SYSTEM);
  });
});
