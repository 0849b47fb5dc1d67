// Frames and decodes MAVLink (v2, and v1) with node-mavlink's splitter and parser and the minimal and
// common registries. The only file that imports node-mavlink; loaded only when a port speaks MAVLink.
import { common, minimal, MavLinkPacketParser, MavLinkPacketSplitter, type MavLinkData, type MavLinkPacket } from 'node-mavlink';
import type { MavlinkMessage, Origin } from './messages.js';

const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY };

export interface MavlinkCounters {
  /** Frames whose CRC checked out. */
  packets: number;
  /** Frames whose CRC did not match (corrupt, cut short, or a false start byte in noise). */
  bad_crc: number;
  /** Frames of a message id outside the minimal and common dialects. */
  unknown: number;
  /** Frames whose payload would not deserialize. */
  malformed: number;
  /** Times the framing had to be rebuilt after an internal error. */
  resets: number;
}

export interface MavlinkReader {
  push(chunk: Buffer): void;
  /** Totals, plus `msg_<name>` per message type seen. */
  counters(): Record<string, number>;
}

/** MAV_SYS_STATUS_SENSOR bit to its name without the prefix, lower case: 0x20 -> "gps". */
export function sensorName(bit: number): string | undefined {
  const name = (common.MavSysStatusSensor as unknown as Record<number, string | undefined>)[bit];
  return name?.replace(/^SENSOR_/, '').toLowerCase();
}

export function createMavlinkReader(onMessage: (message: MavlinkMessage) => void): MavlinkReader {
  const counts: MavlinkCounters = { packets: 0, bad_crc: 0, unknown: 0, malformed: 0, resets: 0 };
  const byType = new Map<string, number>();
  let unknownBefore = 0;
  let splitter: MavLinkPacketSplitter;

  const handle = (packet: MavLinkPacket) => {
    counts.packets++;
    const clazz = REGISTRY[packet.header.msgid];
    if (!clazz) {
      counts.unknown++;
      return;
    }
    const key = `msg_${clazz.MSG_NAME.toLowerCase()}`;
    byType.set(key, (byType.get(key) ?? 0) + 1);
    let data: MavLinkData;
    try {
      data = packet.protocol.data(packet.payload, clazz);
    } catch {
      counts.malformed++;
      return;
    }
    const message = toMessage(data, { sysid: packet.header.sysid, compid: packet.header.compid });
    if (message) onMessage(message);
  };

  let reset = () => {};
  const build = () => {
    const current = new MavLinkPacketSplitter({}, { onCrcError: () => counts.bad_crc++ });
    const parser = new MavLinkPacketParser();
    splitter = current;
    reset = () => {
      if (splitter !== current) return;
      counts.resets++;
      unknownBefore += current.unknownPackagesCount;
      current.unpipe();
      current.destroy();
      parser.destroy();
      build();
    };
    current.on('error', reset);
    parser.on('error', reset);
    parser.on('data', handle);
    current.pipe(parser);
  };
  build();

  return {
    push(chunk) {
      try {
        splitter.write(chunk);
      } catch {
        // a throw inside the splitter leaves its buffer in an unknown state: start framing afresh
        reset();
      }
    },
    counters: () => ({ ...counts, unknown: counts.unknown + unknownBefore + splitter.unknownPackagesCount, ...Object.fromEntries(byType) }),
  };
}

function toMessage(data: MavLinkData, origin: Origin): MavlinkMessage | undefined {
  if (data instanceof minimal.Heartbeat) {
    return { kind: 'heartbeat', ...origin, type: data.type, autopilot: data.autopilot, baseMode: data.baseMode, customMode: data.customMode };
  }
  if (data instanceof common.Vibration) {
    return {
      kind: 'vibration', ...origin,
      vibrationX: data.vibrationX, vibrationY: data.vibrationY, vibrationZ: data.vibrationZ,
      clipping0: data.clipping0, clipping1: data.clipping1, clipping2: data.clipping2,
    };
  }
  if (data instanceof common.SysStatus) {
    return {
      kind: 'sys_status', ...origin,
      present: data.onboardControlSensorsPresent, enabled: data.onboardControlSensorsEnabled, health: data.onboardControlSensorsHealth,
    };
  }
  if (data instanceof common.GpsRawInt) {
    return {
      kind: 'gps_raw_int', ...origin,
      fixType: data.fixType, lat: data.lat, lon: data.lon, alt: data.alt, eph: data.eph, vel: data.vel, satellitesVisible: data.satellitesVisible,
    };
  }
  return undefined;
}
