// The MAVLink messages this source reads, as plain data: what mavlink-reader.ts hands on, so the
// logic that maps them to records stays pure and free of node-mavlink.
export interface Origin {
  sysid: number;
  compid: number;
}

export interface Heartbeat extends Origin {
  kind: 'heartbeat';
  /** MAV_TYPE: vehicle or component type. */
  type: number;
  /** MAV_AUTOPILOT. */
  autopilot: number;
  baseMode: number;
  customMode: number;
}

export interface Vibration extends Origin {
  kind: 'vibration';
  vibrationX: number;
  vibrationY: number;
  vibrationZ: number;
  /** Accelerometer clipping counts, cumulative since the autopilot booted. */
  clipping0: number;
  clipping1: number;
  clipping2: number;
}

export interface SysStatus extends Origin {
  kind: 'sys_status';
  /** MAV_SYS_STATUS_SENSOR bitmasks. */
  present: number;
  enabled: number;
  health: number;
}

export interface GpsRawInt extends Origin {
  kind: 'gps_raw_int';
  /** GPS_FIX_TYPE. */
  fixType: number;
  /** Degrees * 1e7. */
  lat: number;
  lon: number;
  /** Millimetres above mean sea level. */
  alt: number;
  /** HDOP * 100; 65535 when unknown. */
  eph: number;
  /** cm/s; 65535 when unknown. */
  vel: number;
  /** 255 when unknown. */
  satellitesVisible: number;
}

export type MavlinkMessage = Heartbeat | Vibration | SysStatus | GpsRawInt;

/** MAV_TYPE_GCS (minimal.xml): a ground control station's heartbeat. */
export const MAV_TYPE_GCS = 6;
/** MAV_AUTOPILOT_INVALID (minimal.xml): a component that is not a flight controller. */
export const MAV_AUTOPILOT_INVALID = 8;
/** MAV_AUTOPILOT_ARDUPILOTMEGA and MAV_AUTOPILOT_PX4 (minimal.xml). */
export const MAV_AUTOPILOT_ARDUPILOTMEGA = 3;
export const MAV_AUTOPILOT_PX4 = 12;

/** True for a flight controller's heartbeat; false for ground stations, cameras, companions, ... */
export function isAutopilotHeartbeat(hb: Heartbeat): boolean {
  return hb.type !== MAV_TYPE_GCS && hb.autopilot !== MAV_AUTOPILOT_INVALID;
}
