// Drives a running agent's serial sources over socat ptys: NMEA 0183 into a GNSS port, MAVLink v2 into a
// flight-controller port; the operator's takeovers become flight-mode changes the agent records.
import { MODES } from '../run/handover-bodies.js';
import type { OperatorAction } from '../scenario/operator.js';
import type { Sample } from '../scenario/sampler.js';
import type { SimTarget } from '../run/target.js';
import type { MavlinkEncoder, Px4ModeName } from './mavlink.js';
import { nmeaBurst } from './nmea.js';
import type { PtyLink } from './pty-link.js';

export interface SerialTargetOptions {
  vehicle: 'ugv' | 'uav';
  /** Simulated wall time at t = 0, for the sentences' UTC fields. */
  startUnixMs: number;
  /** The flight controller's port (MAVLink). */
  mavlink?: PtyLink;
  /** The GNSS receiver's port (NMEA). */
  nmea?: PtyLink;
  /** Fixes per second on the NMEA port (default 5), VIBRATION and GPS_RAW_INT per second (default 10). */
  nmeaHz?: number;
  mavlinkHz?: number;
}

export async function openSerialTarget(o: SerialTargetOptions): Promise<SimTarget> {
  if (!o.mavlink && !o.nmea) throw new Error('a serial target needs a MAVLink pty, an NMEA pty, or both');
  const encoder: MavlinkEncoder | undefined = o.mavlink ? new (await import('./mavlink.js')).MavlinkEncoder(o.vehicle) : undefined;
  let mode: Px4ModeName = MODES.autonomy;
  const next = { nmea: 0, mavlink: 0, heartbeat: 0 };
  const nmeaEvery = 1 / (o.nmeaHz ?? 5);
  const mavlinkEvery = 1 / (o.mavlinkHz ?? 10);
  return {
    label: [o.mavlink && `MAVLink ${o.mavlink.path}`, o.nmea && `NMEA ${o.nmea.path}`].filter(Boolean).join(' + '),
    async conditions(sample: Sample) {
      const t = sample.tS;
      const unixMs = o.startUnixMs + t * 1000;
      if (o.nmea && t + 1e-9 >= next.nmea) {
        o.nmea.write(nmeaBurst(sample.world.gnss, unixMs));
        next.nmea = t + nmeaEvery;
      }
      if (o.mavlink && encoder) {
        const usec = BigInt(Math.round(t * 1e6));
        if (t + 1e-9 >= next.heartbeat) {
          o.mavlink.write(encoder.heartbeat(mode));
          o.mavlink.write(encoder.sysStatus(sample.world.gnss.fix));
          next.heartbeat = t + 1;
        }
        if (t + 1e-9 >= next.mavlink) {
          o.mavlink.write(encoder.vibration(sample.world.vibration, usec));
          o.mavlink.write(encoder.gpsRawInt(sample.world.gnss, usec));
          next.mavlink = t + mavlinkEvery;
        }
      }
    },
    operator: o.mavlink && encoder
      ? async (action: OperatorAction) => {
        mode = action.kind === 'accept' ? MODES.human : MODES.autonomy;
        o.mavlink!.write(encoder.heartbeat(mode));
      }
      : undefined,
    async close() {
      await o.mavlink?.close();
      await o.nmea?.close();
    },
  };
}
