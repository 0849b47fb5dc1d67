// Byte streams as a serial port delivers them: NMEA GGA+RMC sentences from a moving receiver, and MAVLink v2
// HEARTBEAT/VIBRATION/GPS_RAW_INT frames encoded by node-mavlink; plus a socat pty pair to push them through.
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, minimal, MavLinkProtocolV2, type MavLinkData } from 'node-mavlink';
import { withChecksum } from '../../agent/sources/serial/nmea/sentence.js';
import { gpsRawIntMessage, heartbeatMessage, PX4_MODES, vibrationMessage } from '../../simulator/virtual-sensors/mavlink.js';
import { nmeaCoordinate } from '../../simulator/virtual-sensors/nmea.js';
import { startHelper, type Helper } from './children.js';

/** `count` sentences, GGA and RMC in turn (one fix each), positions and times moving; CRLF line ends. */
export function nmeaStream(count: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const fix = i >> 1;
    const t = `${String(10 + Math.floor(fix / 36000) % 14).padStart(2, '0')}${String(Math.floor(fix / 600) % 60).padStart(2, '0')}${String(Math.floor(fix / 10) % 60).padStart(2, '0')}.${fix % 10}0`;
    const [lat] = nmeaCoordinate(47.397742 + fix * 1e-7, 'lat');
    const [lon] = nmeaCoordinate(8.545594 + fix * 1e-7, 'lon');
    lines.push(i % 2 === 0
      ? withChecksum(`GNGGA,${t},${lat},N,${lon},E,${fix % 50 === 0 ? 2 : 1},${12 + (fix % 6)},0.${7 + (fix % 3)},${(488.1 + (fix % 40) / 10).toFixed(1)},M,46.9,M,,`)
      : withChecksum(`GNRMC,${t},A,${lat},N,${lon},E,${(11.2 + (fix % 30) / 10).toFixed(1)},084.4,271126,,,A`));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** Message `i` of the MAVLink stream: HEARTBEAT (one flight mode throughout), VIBRATION and GPS_RAW_INT in turn. */
function mavlinkMessage(i: number): MavLinkData {
  if (i % 3 === 0) return heartbeatMessage(minimal.MavType.QUADROTOR, PX4_MODES['AUTO.MISSION']);
  if (i % 3 === 1) return vibrationMessage(BigInt(i) * 1000n, [0.4 + (i % 10) / 100, 0.5, 1.1 + (i % 7) / 100], [0, 0, i >> 10]);
  return gpsRawIntMessage({
    timeUsec: BigInt(i) * 1000n, fixType: common.GpsFixType.GPS_FIX_TYPE_3D_FIX, lat: 473977418 + i, lon: 85455939 + i,
    alt: 488123, eph: 87, epv: 120, vel: 1234, cog: 9000, satellitesVisible: 14,
  });
}

/** `count` MAVLink v2 frames of mavlinkMessage, built with the simulator's message builders. */
export function mavlinkStream(count: number): Buffer {
  const protocol = new MavLinkProtocolV2(1, 1);
  return Buffer.concat(Array.from({ length: count }, (_, i) => protocol.serialize(mavlinkMessage(i), i & 0xff)));
}

export interface PtyPair {
  /** The end the agent's serial source opens. */
  a: string;
  /** The end written to; held open by this process so socat never sees a hangup mid-run. */
  b: string;
  writerFd: number;
  stop(): Promise<void>;
}

/** A virtual serial cable: socat joins two pseudo-terminals, linked at dir/a and dir/b. */
export async function startPtyPair(dir: string): Promise<PtyPair> {
  const a = join(dir, 'pty-a');
  const b = join(dir, 'pty-b');
  const socat: Helper = startHelper('socat', 'socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`]);
  for (let i = 0; i < 200 && !(existsSync(a) && existsSync(b)); i++) await sleep(20);
  if (!(existsSync(a) && existsSync(b))) throw new Error(`socat did not link ${a} and ${b}: ${socat.output()}`);
  const writerFd = openSync(b, constants.O_WRONLY | constants.O_NOCTTY);
  return {
    a, b, writerFd,
    async stop() {
      closeSync(writerFd);
      await socat.stop('SIGTERM', 5000);
    },
  };
}
