// MAVLink v2 frames for tests, made by the simulator's frame builder (node-mavlink's own encoder), plus
// deliberately unreadable ones (a message id in no dialect, an ArduPilot-only message).
import { ardupilotmega, common, minimal, type MavLinkData } from 'node-mavlink';
import { gpsRawIntMessage, heartbeatMessage, mavlinkFrame, sysStatusMessage, vibrationMessage } from '../../simulator/virtual-sensors/mavlink.js';

let seq = 0;

export function frame(message: MavLinkData, sysid = 1, compid = 1): Buffer {
  return mavlinkFrame(message, seq++, sysid, compid);
}

/** A HEARTBEAT: a PX4 quadrotor unless told otherwise. */
export function heartbeat(customMode: number, over: { type?: number; autopilot?: number; sysid?: number; compid?: number } = {}): Buffer {
  return frame(heartbeatMessage(over.type ?? minimal.MavType.QUADROTOR, customMode, over.autopilot ?? minimal.MavAutopilot.PX4), over.sysid ?? 1, over.compid ?? 1);
}

export function vibration(x: number, y: number, z: number, clipping: [number, number, number]): Buffer {
  return frame(vibrationMessage(1_000_000n, [x, y, z], clipping));
}

export function sysStatus(present: number, enabled: number, health: number): Buffer {
  return frame(sysStatusMessage({ present, enabled, health }, 250, 12_600));
}

export function gpsRawInt(over: Partial<Pick<common.GpsRawInt, 'fixType' | 'lat' | 'lon' | 'alt' | 'eph' | 'vel' | 'satellitesVisible'>> = {}): Buffer {
  return frame(gpsRawIntMessage({
    timeUsec: 1_000_000n,
    fixType: common.GpsFixType.GPS_FIX_TYPE_3D_FIX,
    lat: 473977418,
    lon: 85455939,
    alt: 488123,
    eph: 87,
    epv: 120,
    vel: 1234,
    cog: 9000,
    satellitesVisible: 14,
    ...over,
  }));
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
