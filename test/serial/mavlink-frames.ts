// MAVLink frames for tests, made by node-mavlink's own encoder (v2 through the simulator's frame builder, v1 and
// signed v2 directly), plus deliberately unreadable ones (a message id in no dialect, an ArduPilot-only message).
import { ardupilotmega, common, minimal, MavLinkPacketSignature, MavLinkProtocolV1, MavLinkProtocolV2, type MavLinkData } from 'node-mavlink';
import { gpsRawIntMessage, heartbeatMessage, mavlinkFrame, sysStatusMessage, vibrationMessage } from '../../simulator/virtual-sensors/mavlink.js';

let seq = 0;

export function frame(message: MavLinkData, sysid = 1, compid = 1): Buffer {
  return mavlinkFrame(message, seq++, sysid, compid);
}

/** The same message as a MAVLink v1 frame (0xFE): no extension fields, message ids up to 255 only. */
export function frameV1(message: MavLinkData, sysid = 1, compid = 1): Buffer {
  return new MavLinkProtocolV1(sysid, compid).serialize(message, seq++ & 0xff);
}

/** A signed MAVLink v2 frame: incompat flag 0x01 and a 13-byte signature trailer (link id, timestamp, SHA-256 based signature). */
export function frameSigned(message: MavLinkData, sysid = 1, compid = 1, linkId = 1): Buffer {
  const protocol = new MavLinkProtocolV2(sysid, compid, MavLinkProtocolV2.IFLAG_SIGNED);
  return protocol.sign(protocol.serialize(message, seq++ & 0xff), linkId, MavLinkPacketSignature.key('fieldproof test link'), Date.UTC(2025, 0, 1));
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

type GpsRawOverrides = Partial<Pick<common.GpsRawInt, 'fixType' | 'lat' | 'lon' | 'alt' | 'eph' | 'vel' | 'satellitesVisible'>>;

export function gpsRawInt(over: GpsRawOverrides = {}): Buffer {
  return frame(gpsRawIntOf(over));
}

/** The GPS_RAW_INT message itself, for frameV1() and frameSigned(). */
export function gpsRawIntOf(over: GpsRawOverrides = {}): common.GpsRawInt {
  return gpsRawIntMessage({
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
  });
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
