// GPS_RAW_INT -> Conditions.gnss: fix type, satellites, HDOP (eph / 100), position (1e7 degrees),
// altitude (mm above mean sea level) and ground speed (cm/s). Pure.
import { schema, type Body, type Conditions } from '../../../../proto/index.js';
import type { GpsRawInt } from './messages.js';

type Gnss = NonNullable<Conditions['gnss']>;
type Fix = Gnss['fix'];
const Fix = schema.Gnss.Fix;
const UNKNOWN_U16 = 65535;
const UNKNOWN_U8 = 255;

/**
 * GPS_FIX_TYPE to our Fix: 0 NO_GPS and 1 NO_FIX are no fix, 2 2D, 3 3D, 4 DGPS, 5 RTK float, 6 RTK
 * fixed; 7 STATIC (a base station's surveyed position) counts as 3D and 8 PPP (corrections from
 * precise orbits and clocks) as DGPS; anything newer is unspecified.
 */
export function fixFromGpsFixType(fixType: number): Fix {
  switch (fixType) {
    case 0:
    case 1:
      return Fix.NO_FIX;
    case 2:
      return Fix.FIX_2D;
    case 3:
    case 7:
      return Fix.FIX_3D;
    case 4:
    case 8:
      return Fix.DGPS;
    case 5:
      return Fix.RTK_FLOAT;
    case 6:
      return Fix.RTK_FIXED;
    default:
      return Fix.FIX_UNSPECIFIED;
  }
}

export function gnssFromGpsRaw(m: GpsRawInt): Gnss {
  const fix = fixFromGpsFixType(m.fixType);
  const gnss: Gnss = { fix, satellites: m.satellitesVisible === UNKNOWN_U8 ? 0 : m.satellitesVisible };
  if (m.eph !== UNKNOWN_U16) gnss.hdop = m.eph / 100;
  if (fix === Fix.NO_FIX || fix === Fix.FIX_UNSPECIFIED) return gnss;
  gnss.latitudeDeg = m.lat / 1e7;
  gnss.longitudeDeg = m.lon / 1e7;
  if (fix !== Fix.FIX_2D) gnss.altitudeM = m.alt / 1000;
  if (m.vel !== UNKNOWN_U16) gnss.speedMS = m.vel / 100;
  return gnss;
}

export function gpsRawBody(m: GpsRawInt, sourceId: string): Body {
  return { conditions: { sourceId, gnss: gnssFromGpsRaw(m) } };
}
