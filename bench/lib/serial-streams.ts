// Byte streams as a serial port delivers them: NMEA GGA+RMC sentences from a moving receiver, and MAVLink v2
// HEARTBEAT/VIBRATION/GPS_RAW_INT frames encoded by node-mavlink; plus a socat pty pair to push them through.
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, minimal, MavLinkProtocolV2 } from 'node-mavlink';
import { withChecksum } from '../../agent/sources/serial/nmea/sentence.js';
import { startHelper, type Helper } from './children.js';

function ddmm(deg: number, width: number): string {
  const d = Math.floor(Math.abs(deg));
  const m = (Math.abs(deg) - d) * 60;
  return `${String(d).padStart(width, '0')}${m.toFixed(5).padStart(8, '0')}`;
}

/** `count` sentences, GGA and RMC in turn (one fix each), positions and times moving; CRLF line ends. */
export function nmeaStream(count: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const fix = i >> 1;
    const t = `${String(10 + Math.floor(fix / 36000) % 14).padStart(2, '0')}${String(Math.floor(fix / 600) % 60).padStart(2, '0')}${String(Math.floor(fix / 10) % 60).padStart(2, '0')}.${fix % 10}0`;
    const lat = ddmm(47.397742 + fix * 1e-7, 2);
    const lon = ddmm(8.545594 + fix * 1e-7, 3);
    lines.push(i % 2 === 0
      ? withChecksum(`GNGGA,${t},${lat},N,${lon},E,${fix % 50 === 0 ? 2 : 1},${12 + (fix % 6)},0.${7 + (fix % 3)},${(488.1 + (fix % 40) / 10).toFixed(1)},M,46.9,M,,`)
      : withChecksum(`GNRMC,${t},A,${lat},N,${lon},E,${(11.2 + (fix % 30) / 10).toFixed(1)},084.4,271126,,,A`));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** `count` MAVLink v2 frames: HEARTBEAT (one flight mode throughout), VIBRATION and GPS_RAW_INT in turn. */
export function mavlinkStream(count: number): Buffer {
  const protocol = new MavLinkProtocolV2(1, 1);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    let m;
    if (i % 3 === 0) {
      m = new minimal.Heartbeat();
      m.type = minimal.MavType.QUADROTOR;
      m.autopilot = minimal.MavAutopilot.PX4;
      m.baseMode = minimal.MavModeFlag.CUSTOM_MODE_ENABLED | minimal.MavModeFlag.SAFETY_ARMED;
      m.customMode = (4 << 16) | (4 << 24); // PX4 AUTO.MISSION
      m.systemStatus = minimal.MavState.ACTIVE;
      m.mavlinkVersion = 3;
    } else if (i % 3 === 1) {
      m = new common.Vibration();
      m.timeUsec = BigInt(i) * 1000n;
      m.vibrationX = 0.4 + (i % 10) / 100;
      m.vibrationY = 0.5;
      m.vibrationZ = 1.1 + (i % 7) / 100;
      [m.clipping0, m.clipping1, m.clipping2] = [0, 0, i >> 10];
    } else {
      m = new common.GpsRawInt();
      m.timeUsec = BigInt(i) * 1000n;
      m.fixType = common.GpsFixType.GPS_FIX_TYPE_3D_FIX;
      m.lat = 473977418 + i;
      m.lon = 85455939 + i;
      m.alt = 488123;
      m.eph = 87;
      m.epv = 120;
      m.vel = 1234;
      m.cog = 9000;
      m.satellitesVisible = 14;
    }
    frames.push(protocol.serialize(m, i & 0xff));
  }
  return Buffer.concat(frames);
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
