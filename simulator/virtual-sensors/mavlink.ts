// MAVLink v2 frames a PX4 flight controller sends: HEARTBEAT, VIBRATION, GPS_RAW_INT, SYS_STATUS; the tests build theirs
// here too. The only simulator file that imports node-mavlink (heavy): import() it only when a MAVLink port is simulated.
import { common, minimal, MavLinkProtocolV2, type MavLinkData } from 'node-mavlink';
import type { GnssState } from '../models/gnss.js';
import type { VibrationState } from '../models/vibration.js';

/** PX4 custom_mode: main mode in bits 16-23, sub mode in bits 24-31 (px4_custom_mode.h). */
export function px4Mode(main: number, sub = 0): number {
  return ((main & 0xff) << 16) | ((sub & 0xff) << 24);
}

export const PX4_MODES = { 'AUTO.MISSION': px4Mode(4, 4), POSCTL: px4Mode(3), MANUAL: px4Mode(1), 'AUTO.RTL': px4Mode(4, 5) } as const;
export type Px4ModeName = keyof typeof PX4_MODES;

/** GPS_FIX_TYPE for a Gnss.Fix. */
const GPS_FIX_TYPE: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6 };

/** One MAVLink v2 frame of `message`, as node-mavlink's own encoder writes it. */
export function mavlinkFrame(message: MavLinkData, seq: number, sysid = 1, compid = 1): Buffer {
  return new MavLinkProtocolV2(sysid, compid).serialize(message, seq & 0xff);
}

/** An armed autopilot's HEARTBEAT in a custom (PX4) mode. */
export function heartbeatMessage(type: minimal.MavType, customMode: number, autopilot = minimal.MavAutopilot.PX4): minimal.Heartbeat {
  const m = new minimal.Heartbeat();
  m.type = type;
  m.autopilot = autopilot;
  m.baseMode = minimal.MavModeFlag.CUSTOM_MODE_ENABLED | minimal.MavModeFlag.SAFETY_ARMED;
  m.customMode = customMode;
  m.systemStatus = minimal.MavState.ACTIVE;
  m.mavlinkVersion = 3;
  return m;
}

/** VIBRATION: RMS per axis (m/s/s) and the clipping counters since boot. */
export function vibrationMessage(timeUsec: bigint, rms: readonly [number, number, number], clipping: readonly [number, number, number]): common.Vibration {
  const m = new common.Vibration();
  m.timeUsec = timeUsec;
  [m.vibrationX, m.vibrationY, m.vibrationZ] = rms;
  [m.clipping0, m.clipping1, m.clipping2] = clipping;
  return m;
}

export type GpsRawIntFields = Pick<common.GpsRawInt, 'timeUsec' | 'fixType' | 'lat' | 'lon' | 'alt' | 'eph' | 'epv' | 'vel' | 'cog' | 'satellitesVisible'>;

/** GPS_RAW_INT in its wire units (degE7, mm, cm/s, cdeg). */
export function gpsRawIntMessage(f: GpsRawIntFields): common.GpsRawInt {
  return Object.assign(new common.GpsRawInt(), f);
}

/** SYS_STATUS with the given onboard sensor bitmasks, no battery current or remaining figure, no extended sensors. */
export function sysStatusMessage(sensors: { present: number; enabled: number; health: number }, loadPermille: number, voltageMv: number): common.SysStatus {
  const m = new common.SysStatus();
  m.onboardControlSensorsPresent = sensors.present;
  m.onboardControlSensorsEnabled = sensors.enabled;
  m.onboardControlSensorsHealth = sensors.health;
  m.load = loadPermille;
  m.voltageBattery = voltageMv;
  m.currentBattery = -1;
  m.batteryRemaining = -1;
  const none = 0 as common.MavSysStatusSensorExtended;
  m.onboardControlSensorsPresentExtended = none;
  m.onboardControlSensorsEnabledExtended = none;
  m.onboardControlSensorsHealthExtended = none;
  return m;
}

export class MavlinkEncoder {
  private seq = 0;
  private readonly clipping: [number, number, number] = [0, 0, 0];

  constructor(private readonly vehicle: 'ugv' | 'uav', private readonly sysid = 1, private readonly compid = 1) {}

  heartbeat(mode: Px4ModeName): Buffer {
    return this.frame(heartbeatMessage(this.vehicle === 'uav' ? minimal.MavType.QUADROTOR : minimal.MavType.GROUND_ROVER, PX4_MODES[mode]));
  }

  /** The autopilot counts clipping since boot: this adds the window's events to its counters. */
  vibration(v: VibrationState, timeUsec: bigint): Buffer {
    this.clipping[0] += v.clipX;
    this.clipping[1] += v.clipY;
    this.clipping[2] += v.clipZ;
    return this.frame(vibrationMessage(timeUsec, [v.rmsX, v.rmsY, v.rmsZ], this.clipping));
  }

  gpsRawInt(g: GnssState, timeUsec: bigint): Buffer {
    return this.frame(gpsRawIntMessage({
      timeUsec,
      fixType: (GPS_FIX_TYPE[g.fix] ?? 0) as common.GpsFixType,
      lat: Math.round(g.latitudeDeg * 1e7),
      lon: Math.round(g.longitudeDeg * 1e7),
      alt: Math.round(g.altitudeM * 1000),
      eph: Math.min(65534, Math.round(g.hdop * 100)),
      epv: 65535,
      vel: Math.min(65534, Math.round(g.speedMS * 100)),
      cog: Math.round(g.courseDeg * 100) % 36000,
      satellitesVisible: Math.min(254, g.satellites),
    }));
  }

  /** Gyro, accelerometer, magnetometer and GPS present and enabled; GPS healthy only with a fix. */
  sysStatus(gnssFix: number, loadPermille = 250): Buffer {
    const S = common.MavSysStatusSensor;
    const present = S.SENSOR_3D_GYRO | S.SENSOR_3D_ACCEL | S.SENSOR_3D_MAG | S.SENSOR_GPS;
    const health = gnssFix >= 2 ? present : present & ~S.SENSOR_GPS;
    return this.frame(sysStatusMessage({ present, enabled: present, health }, loadPermille, 15_800));
  }

  private frame(message: MavLinkData): Buffer {
    const bytes = mavlinkFrame(message, this.seq, this.sysid, this.compid);
    this.seq = (this.seq + 1) & 0xff;
    return bytes;
  }
}
