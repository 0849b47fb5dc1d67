// MAVLink v2 frames a PX4 flight controller sends: HEARTBEAT, VIBRATION, GPS_RAW_INT, SYS_STATUS. The only
// simulator file that imports node-mavlink (heavy): import() it only when a MAVLink port is simulated.
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

export class MavlinkEncoder {
  private readonly protocol: MavLinkProtocolV2;
  private seq = 0;
  private readonly clipping = [0, 0, 0];

  constructor(private readonly vehicle: 'ugv' | 'uav', sysid = 1, compid = 1) {
    this.protocol = new MavLinkProtocolV2(sysid, compid);
  }

  heartbeat(mode: Px4ModeName): Buffer {
    const m = new minimal.Heartbeat();
    m.type = this.vehicle === 'uav' ? minimal.MavType.QUADROTOR : minimal.MavType.GROUND_ROVER;
    m.autopilot = minimal.MavAutopilot.PX4;
    m.baseMode = minimal.MavModeFlag.CUSTOM_MODE_ENABLED | minimal.MavModeFlag.SAFETY_ARMED;
    m.customMode = PX4_MODES[mode];
    m.systemStatus = minimal.MavState.ACTIVE;
    m.mavlinkVersion = 3;
    return this.frame(m);
  }

  /** The autopilot counts clipping since boot: this adds the window's events to its counters. */
  vibration(v: VibrationState, timeUsec: bigint): Buffer {
    this.clipping[0] += v.clipX;
    this.clipping[1] += v.clipY;
    this.clipping[2] += v.clipZ;
    const m = new common.Vibration();
    m.timeUsec = timeUsec;
    m.vibrationX = v.rmsX;
    m.vibrationY = v.rmsY;
    m.vibrationZ = v.rmsZ;
    [m.clipping0, m.clipping1, m.clipping2] = this.clipping;
    return this.frame(m);
  }

  gpsRawInt(g: GnssState, timeUsec: bigint): Buffer {
    const m = new common.GpsRawInt();
    m.timeUsec = timeUsec;
    m.fixType = (GPS_FIX_TYPE[g.fix] ?? 0) as common.GpsFixType;
    m.lat = Math.round(g.latitudeDeg * 1e7);
    m.lon = Math.round(g.longitudeDeg * 1e7);
    m.alt = Math.round(g.altitudeM * 1000);
    m.eph = Math.min(65534, Math.round(g.hdop * 100));
    m.epv = 65535;
    m.vel = Math.min(65534, Math.round(g.speedMS * 100));
    m.cog = Math.round(g.courseDeg * 100) % 36000;
    m.satellitesVisible = Math.min(254, g.satellites);
    return this.frame(m);
  }

  /** Gyro, accelerometer, magnetometer and GPS present and enabled; GPS healthy only with a fix. */
  sysStatus(gnssFix: number, loadPermille = 250): Buffer {
    const S = common.MavSysStatusSensor;
    const present = S.SENSOR_3D_GYRO | S.SENSOR_3D_ACCEL | S.SENSOR_3D_MAG | S.SENSOR_GPS;
    const m = new common.SysStatus();
    m.onboardControlSensorsPresent = present;
    m.onboardControlSensorsEnabled = present;
    m.onboardControlSensorsHealth = gnssFix >= 2 ? present : present & ~S.SENSOR_GPS;
    m.load = loadPermille;
    m.voltageBattery = 15_800;
    m.currentBattery = -1;
    m.batteryRemaining = -1;
    const none = 0 as common.MavSysStatusSensorExtended;
    m.onboardControlSensorsPresentExtended = none;
    m.onboardControlSensorsEnabledExtended = none;
    m.onboardControlSensorsHealthExtended = none;
    return this.frame(m);
  }

  private frame(message: MavLinkData): Buffer {
    const bytes = this.protocol.serialize(message, this.seq);
    this.seq = (this.seq + 1) & 0xff;
    return bytes;
  }
}
