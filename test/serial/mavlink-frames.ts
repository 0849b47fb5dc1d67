// MAVLink v2 frames for tests, made by node-mavlink's own encoder (MavLinkProtocolV2.serialize), plus
// deliberately unreadable ones (a message id in no dialect, an ArduPilot-only message).
import { ardupilotmega, common, minimal, MavLinkProtocolV2, type MavLinkData } from 'node-mavlink';

let seq = 0;

export function frame(message: MavLinkData, sysid = 1, compid = 1): Buffer {
  return new MavLinkProtocolV2(sysid, compid).serialize(message, seq++ & 0xff);
}

/** A HEARTBEAT: a PX4 quadrotor unless told otherwise. */
export function heartbeat(customMode: number, over: { type?: number; autopilot?: number; sysid?: number; compid?: number } = {}): Buffer {
  const m = new minimal.Heartbeat();
  m.type = over.type ?? minimal.MavType.QUADROTOR;
  m.autopilot = over.autopilot ?? minimal.MavAutopilot.PX4;
  m.baseMode = minimal.MavModeFlag.CUSTOM_MODE_ENABLED | minimal.MavModeFlag.SAFETY_ARMED;
  m.customMode = customMode;
  m.systemStatus = minimal.MavState.ACTIVE;
  m.mavlinkVersion = 3;
  return frame(m, over.sysid ?? 1, over.compid ?? 1);
}

export function vibration(x: number, y: number, z: number, clipping: [number, number, number]): Buffer {
  const m = new common.Vibration();
  m.timeUsec = 1_000_000n;
  m.vibrationX = x;
  m.vibrationY = y;
  m.vibrationZ = z;
  [m.clipping0, m.clipping1, m.clipping2] = clipping;
  return frame(m);
}

export function sysStatus(present: number, enabled: number, health: number): Buffer {
  const m = new common.SysStatus();
  m.onboardControlSensorsPresent = present;
  m.onboardControlSensorsEnabled = enabled;
  m.onboardControlSensorsHealth = health;
  m.load = 250;
  m.voltageBattery = 12_600;
  m.currentBattery = -1;
  m.batteryRemaining = -1;
  const none = 0 as common.MavSysStatusSensorExtended;
  m.onboardControlSensorsPresentExtended = none;
  m.onboardControlSensorsEnabledExtended = none;
  m.onboardControlSensorsHealthExtended = none;
  return frame(m);
}

export function gpsRawInt(over: Partial<Pick<common.GpsRawInt, 'fixType' | 'lat' | 'lon' | 'alt' | 'eph' | 'vel' | 'satellitesVisible'>> = {}): Buffer {
  const m = new common.GpsRawInt();
  m.timeUsec = 1_000_000n;
  m.fixType = over.fixType ?? common.GpsFixType.GPS_FIX_TYPE_3D_FIX;
  m.lat = over.lat ?? 473977418;
  m.lon = over.lon ?? 85455939;
  m.alt = over.alt ?? 488123;
  m.eph = over.eph ?? 87;
  m.epv = 120;
  m.vel = over.vel ?? 1234;
  m.cog = 9000;
  m.satellitesVisible = over.satellitesVisible ?? 14;
  return frame(m);
}

export const SENSOR = common.MavSysStatusSensor;

/** An ArduPilot-dialect message (AHRS): outside the minimal and common registries the source reads. */
export function ardupilotAhrs(): Buffer {
  const m = new ardupilotmega.Ahrs();
  m.omegaIx = 0.01;
  return frame(m);
}

/** A frame whose message id (0xfff0) is in no dialect at all: no CRC seed, so it cannot be checked. */
export function unknownMessage(): Buffer {
  const f = Buffer.from(heartbeat(0));
  f.writeUIntLE(0xfff0, 7, 3);
  return f;
}
