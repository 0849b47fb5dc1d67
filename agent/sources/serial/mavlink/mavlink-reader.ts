// Decodes MAVLink (v1, v2, signed v2) with our frame scanner and node-mavlink's registries (CRC_EXTRA and
// payload layouts). The only file that imports node-mavlink; loaded only when a port speaks MAVLink.
import { common, minimal, MavLinkProtocolV2, MSG_ID_MAGIC_NUMBER, type MavLinkData, type MavLinkDataConstructor } from 'node-mavlink';
import { FrameScanner, type MavlinkFrame } from './frame-scanner.js';
import type { MavlinkMessage, Origin } from './messages.js';

/** The messages this source reads (minimal and common dialects). */
const REGISTRY: Record<number, MavLinkDataConstructor<MavLinkData> | undefined> = { ...minimal.REGISTRY, ...common.REGISTRY };
/** CRC_EXTRA of every message node-mavlink knows, every dialect: frames of other dialects are checked and skipped whole. */
const CRC_EXTRA = MSG_ID_MAGIC_NUMBER as Record<number, number | undefined>;
const crcExtraOf = (msgid: number): number | undefined => CRC_EXTRA[msgid];
const PROTOCOL = new MavLinkProtocolV2();
/**
 * How long the link may stay silent in the middle of a frame before the wait is given up. Bytes of one frame
 * arrive back to back (a USB adapter's latency timer is 16 ms, a telemetry radio's packet gap tens of ms),
 * while a false start in noise can claim up to 280 bytes that never come.
 */
export const IDLE_MS = 500;

export interface MavlinkCounters {
  /** Frames whose CRC checked out. */
  packets: number;
  /** Start bytes whose frame failed its CRC (corrupt, cut short, or a start byte in noise); scanning goes on one byte later. */
  bad_crc: number;
  /** Start bytes followed by a message id no dialect defines: without its CRC_EXTRA the frame cannot be checked, so it is noise. */
  unknown: number;
  /** v2 start bytes with incompatibility flags other than "signed": noise, or a MAVLink this reader cannot read. */
  bad_flags: number;
  /** Checked frames of messages this source does not read (another dialect, e.g. ArduPilot's AHRS). */
  unread: number;
  /** Frames whose payload would not deserialize. */
  malformed: number;
  /** Bytes skipped between frames. */
  noise_bytes: number;
  /** Partial frames dropped because the port reopened. */
  resets: number;
  /** Waits for a frame's claimed length given up after IDLE_MS of silence (its start byte was noise). */
  timeouts: number;
  /** MAVLink v1 frames (0xFE). */
  v1: number;
  /** Signed v2 frames (their signatures are not checked: that needs the link's secret key). */
  signed: number;
}

export interface MavlinkReader {
  push(chunk: Buffer): void;
  /** Drops a partial frame: call when the byte stream broke (the port closed and reopened). */
  reset(): void;
  /** Stops the idle timer. */
  close(): void;
  /** Totals, plus `msg_<name>` per message type seen. */
  counters(): Record<string, number>;
}

/** MAV_SYS_STATUS_SENSOR bit to its name without the prefix, lower case: 0x20 -> "gps". */
export function sensorName(bit: number): string | undefined {
  const name = (common.MavSysStatusSensor as unknown as Record<number, string | undefined>)[bit];
  return name?.replace(/^SENSOR_/, '').toLowerCase();
}

export function createMavlinkReader(onMessage: (message: MavlinkMessage) => void, idleMs = IDLE_MS): MavlinkReader {
  const scanner = new FrameScanner(crcExtraOf);
  const counts = { unread: 0, malformed: 0 };
  let idle: NodeJS.Timeout | undefined;
  const byType = new Map<string, number>();

  const handle = (frame: MavlinkFrame) => {
    const clazz = REGISTRY[frame.msgid];
    if (!clazz) {
      counts.unread++;
      return;
    }
    const key = `msg_${clazz.MSG_NAME.toLowerCase()}`;
    byType.set(key, (byType.get(key) ?? 0) + 1);
    let data: MavLinkData;
    try {
      data = PROTOCOL.data(padded(frame.payload, clazz.PAYLOAD_LENGTH), clazz);
    } catch {
      counts.malformed++;
      return;
    }
    const message = toMessage(data, { sysid: frame.sysid, compid: frame.compid });
    if (message) onMessage(message);
  };

  /** Bytes pending: (re)start the idle timer; nothing pending: no timer. */
  const watch = () => {
    if (scanner.pending === 0) {
      clearTimeout(idle);
      idle = undefined;
    } else if (idle) {
      idle.refresh();
    } else {
      idle = setTimeout(onIdle, idleMs);
      idle.unref();
    }
  };
  const onIdle = () => {
    idle = undefined;
    scanner.expire(handle);
    watch(); // what was pending may hold another false start
  };

  return {
    push(chunk) {
      scanner.push(chunk, handle);
      watch();
    },
    reset() {
      scanner.reset();
      watch();
    },
    close() {
      clearTimeout(idle);
      idle = undefined;
    },
    counters() {
      const s = scanner.counters();
      const totals: MavlinkCounters = {
        packets: s.frames, bad_crc: s.bad_crc, unknown: s.unknown, bad_flags: s.bad_flags, unread: counts.unread, malformed: counts.malformed,
        noise_bytes: s.noise_bytes, resets: s.resets, timeouts: s.timeouts, v1: s.v1, signed: s.signed,
      };
      return { ...totals, ...Object.fromEntries(byType) };
    },
  };
}

/** A v2 sender trims trailing zero bytes from the payload: put them back before deserializing. */
function padded(payload: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(Math.max(length, payload.length));
  out.set(payload, 0);
  return out;
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
