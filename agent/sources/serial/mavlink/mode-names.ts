// Flight-mode names from HEARTBEAT.custom_mode: PX4 main/sub mode in the top two bytes (px4_custom_mode.h),
// ArduPilot mode numbers per vehicle (COPTER_MODE, PLANE_MODE, ROVER_MODE, SUB_MODE in ardupilotmega.xml). Pure.
export type Autopilot = 'px4' | 'ardupilot';
export type ArduPilotVehicle = 'copter' | 'plane' | 'rover' | 'sub';

/** PX4_CUSTOM_MAIN_MODE (1-based), PX4-Autopilot src/modules/commander/px4_custom_mode.h. */
const PX4_MAIN: Record<number, string> = {
  1: 'MANUAL', 2: 'ALTCTL', 3: 'POSCTL', 4: 'AUTO', 5: 'ACRO', 6: 'OFFBOARD', 7: 'STABILIZED',
  8: 'RATTITUDE', 9: 'SIMPLE', 10: 'TERMINATION', 11: 'ALTITUDE_CRUISE',
};

/** PX4_CUSTOM_SUB_MODE_AUTO; 7 was AUTO_RTGS, now reserved. */
const PX4_AUTO: Record<number, string> = {
  1: 'AUTO.READY', 2: 'AUTO.TAKEOFF', 3: 'AUTO.LOITER', 4: 'AUTO.MISSION', 5: 'AUTO.RTL', 6: 'AUTO.LAND',
  7: 'AUTO.RTGS', 8: 'AUTO.FOLLOW_TARGET', 9: 'AUTO.PRECLAND', 10: 'AUTO.VTOL_TAKEOFF',
  11: 'AUTO.EXTERNAL1', 12: 'AUTO.EXTERNAL2', 13: 'AUTO.EXTERNAL3', 14: 'AUTO.EXTERNAL4',
  15: 'AUTO.EXTERNAL5', 16: 'AUTO.EXTERNAL6', 17: 'AUTO.EXTERNAL7', 18: 'AUTO.EXTERNAL8',
};

/** PX4_CUSTOM_SUB_MODE_POSCTL. */
const PX4_POSCTL: Record<number, string> = { 0: 'POSCTL', 1: 'POSCTL.ORBIT', 2: 'POSCTL.SLOW' };

// ArduPilot: MAVLink message_definitions/v1.0/ardupilotmega.xml, as generated into node-mavlink's
// mavlink-mappings (CopterMode, PlaneMode, RoverMode, SubMode); test/serial/mode-names.test.ts compares.
const COPTER: Record<number, string> = {
  0: 'STABILIZE', 1: 'ACRO', 2: 'ALT_HOLD', 3: 'AUTO', 4: 'GUIDED', 5: 'LOITER', 6: 'RTL', 7: 'CIRCLE',
  9: 'LAND', 11: 'DRIFT', 13: 'SPORT', 14: 'FLIP', 15: 'AUTOTUNE', 16: 'POSHOLD', 17: 'BRAKE', 18: 'THROW',
  19: 'AVOID_ADSB', 20: 'GUIDED_NOGPS', 21: 'SMART_RTL', 22: 'FLOWHOLD', 23: 'FOLLOW', 24: 'ZIGZAG',
  25: 'SYSTEMID', 26: 'AUTOROTATE', 27: 'AUTO_RTL', 28: 'TURTLE',
};

const PLANE: Record<number, string> = {
  0: 'MANUAL', 1: 'CIRCLE', 2: 'STABILIZE', 3: 'TRAINING', 4: 'ACRO', 5: 'FLY_BY_WIRE_A', 6: 'FLY_BY_WIRE_B',
  7: 'CRUISE', 8: 'AUTOTUNE', 10: 'AUTO', 11: 'RTL', 12: 'LOITER', 13: 'TAKEOFF', 14: 'AVOID_ADSB',
  15: 'GUIDED', 16: 'INITIALIZING', 17: 'QSTABILIZE', 18: 'QHOVER', 19: 'QLOITER', 20: 'QLAND', 21: 'QRTL',
  22: 'QAUTOTUNE', 23: 'QACRO', 24: 'THERMAL', 25: 'LOITER_ALT_QLAND', 26: 'AUTOLAND',
};

const ROVER: Record<number, string> = {
  0: 'MANUAL', 1: 'ACRO', 3: 'STEERING', 4: 'HOLD', 5: 'LOITER', 6: 'FOLLOW', 7: 'SIMPLE', 8: 'DOCK',
  9: 'CIRCLE', 10: 'AUTO', 11: 'RTL', 12: 'SMART_RTL', 15: 'GUIDED', 16: 'INITIALIZING',
};

const SUB: Record<number, string> = {
  0: 'STABILIZE', 1: 'ACRO', 2: 'ALT_HOLD', 3: 'AUTO', 4: 'GUIDED', 7: 'CIRCLE', 9: 'SURFACE', 16: 'POSHOLD',
  19: 'MANUAL', 20: 'MOTORDETECT', 21: 'SURFTRAK',
};

export const ARDUPILOT_MODES: Readonly<Record<ArduPilotVehicle, Readonly<Record<number, string>>>> = {
  copter: COPTER, plane: PLANE, rover: ROVER, sub: SUB,
};

/** PX4's name for a custom_mode, e.g. 0x04040000 -> "AUTO.MISSION"; unknown ones as "PX4:<main>.<sub>". */
export function px4ModeName(customMode: number): string {
  const main = (customMode >>> 16) & 0xff;
  const sub = (customMode >>> 24) & 0xff;
  const unknown = `PX4:${main}.${sub}`;
  if (main === 4) return sub === 0 ? 'AUTO' : PX4_AUTO[sub] ?? unknown;
  if (main === 3) return PX4_POSCTL[sub] ?? unknown;
  return PX4_MAIN[main] ?? unknown;
}

/** ArduPilot's name for a mode number, e.g. copter 5 -> "LOITER"; unknown ones as "COPTER:<n>". */
export function ardupilotModeName(vehicle: ArduPilotVehicle, customMode: number): string {
  return ARDUPILOT_MODES[vehicle][customMode] ?? `${vehicle.toUpperCase()}:${customMode >>> 0}`;
}

export function modeName(autopilot: Autopilot, vehicle: ArduPilotVehicle, customMode: number): string {
  return autopilot === 'px4' ? px4ModeName(customMode) : ardupilotModeName(vehicle, customMode);
}

/** The custom_mode PX4 sends for a main and sub mode (for tests and simulators). */
export function px4CustomMode(main: number, sub = 0): number {
  return ((sub & 0xff) * 0x1000000 + (main & 0xff) * 0x10000) >>> 0;
}
