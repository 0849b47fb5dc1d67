// NMEA 0183 sentences a GNSS receiver would send for a simulated fix: GGA, GSA and RMC, each with its
// `*hh` checksum (XOR of the characters between `$` and `*`) and CR LF. Pure.
import { withChecksum } from '../../agent/sources/serial/nmea/sentence.js';
import type { GnssState } from '../models/gnss.js';

const KNOTS_PER_M_S = 1 / 0.514444;

/** One line as the receiver sends it: `$body*hh` (the checksum the agent's parser checks) and CR LF. */
export function sentence(body: string): string {
  return `${withChecksum(body)}\r\n`;
}

/** GGA fix quality for a Gnss.Fix: none 0, 2D/3D 1 (GSA tells them apart), DGPS 2, RTK fixed 4, RTK float 5. */
export function ggaQuality(fix: number): number {
  return ({ 1: 0, 2: 1, 3: 1, 4: 2, 5: 5, 6: 4 } as Record<number, number>)[fix] ?? 0;
}

function hhmmss(unixMs: number): string {
  const d = new Date(unixMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}.${two(Math.floor(d.getUTCMilliseconds() / 10))}`;
}

function ddmmyy(unixMs: number): string {
  const d = new Date(unixMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}${two(d.getUTCMonth() + 1)}${two(d.getUTCFullYear() % 100)}`;
}

/** Degrees as ddmm.mmmmm (latitude) or dddmm.mmmmm (longitude) and its hemisphere letter. */
export function nmeaCoordinate(deg: number, kind: 'lat' | 'lon'): [string, string] {
  const abs = Math.abs(deg);
  let whole = Math.floor(abs);
  let minutes = Number(((abs - whole) * 60).toFixed(5));
  if (minutes >= 60) {
    whole += 1;
    minutes -= 60;
  }
  const [mi, mf] = minutes.toFixed(5).split('.');
  const text = `${String(whole).padStart(kind === 'lat' ? 2 : 3, '0')}${mi.padStart(2, '0')}.${mf}`;
  return [text, kind === 'lat' ? (deg >= 0 ? 'N' : 'S') : deg >= 0 ? 'E' : 'W'];
}

export function gga(g: GnssState, unixMs: number, talker = 'GP'): string {
  const [lat, ns] = nmeaCoordinate(g.latitudeDeg, 'lat');
  const [lon, ew] = nmeaCoordinate(g.longitudeDeg, 'lon');
  const q = ggaQuality(g.fix);
  return sentence([
    `${talker}GGA`, hhmmss(unixMs), lat, ns, lon, ew, q, String(Math.min(99, g.satellites)).padStart(2, '0'),
    g.hdop.toFixed(1), g.altitudeM.toFixed(1), 'M', '46.9', 'M', '', '',
  ].join(','));
}

/** GSA: fix type (1 none, 2 2D, 3 3D), up to 12 satellite ids, PDOP, HDOP, VDOP. */
export function gsa(g: GnssState, talker = 'GP'): string {
  const fixType = g.fix <= 1 ? 1 : g.fix === 2 ? 2 : 3;
  const ids = Array.from({ length: 12 }, (_, i) => (i < Math.min(12, g.satellites) ? String(i * 2 + 1).padStart(2, '0') : ''));
  return sentence([`${talker}GSA`, 'A', fixType, ...ids, (g.hdop * 1.6).toFixed(1), g.hdop.toFixed(1), (g.hdop * 1.3).toFixed(1)].join(','));
}

export function rmc(g: GnssState, unixMs: number, talker = 'GP'): string {
  const [lat, ns] = nmeaCoordinate(g.latitudeDeg, 'lat');
  const [lon, ew] = nmeaCoordinate(g.longitudeDeg, 'lon');
  const valid = g.fix >= 2;
  const mode = !valid ? 'N' : g.fix === 4 ? 'D' : g.fix === 6 ? 'R' : g.fix === 5 ? 'F' : 'A';
  return sentence([
    `${talker}RMC`, hhmmss(unixMs), valid ? 'A' : 'V', lat, ns, lon, ew, (g.speedMS * KNOTS_PER_M_S).toFixed(2),
    g.courseDeg.toFixed(1), ddmmyy(unixMs), '', '', mode,
  ].join(','));
}

/** What a receiver sends once per fix: GGA, GSA, RMC. */
export function nmeaBurst(g: GnssState, unixMs: number): string {
  return gga(g, unixMs) + gsa(g) + rmc(g, unixMs);
}
