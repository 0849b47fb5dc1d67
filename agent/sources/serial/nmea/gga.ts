// GGA: time, position, fix quality, satellites in use, HDOP, altitude above mean sea level. Example:
// $GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47
import { FieldError, latitude, longitude, optionalCount, optionalNumber } from './fields.js';

export interface Gga {
  kind: 'GGA';
  /** 0 invalid, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated, 7 manual, 8 simulation. */
  quality: number;
  satellites?: number;
  hdop?: number;
  latitudeDeg?: number;
  longitudeDeg?: number;
  altitudeM?: number;
}

export function parseGga(f: string[]): Gga {
  if (f.length < 10) throw new FieldError('GGA', f.join(','), 'at least 9 fields');
  const quality = optionalCount(f[6], 'GGA fix quality');
  if (quality === undefined || quality > 8) throw new FieldError('GGA fix quality', f[6], '0 to 8');
  return {
    kind: 'GGA',
    quality,
    satellites: optionalCount(f[7], 'GGA satellites'),
    hdop: optionalNumber(f[8], 'GGA HDOP'),
    latitudeDeg: latitude(f[2], f[3]),
    longitudeDeg: longitude(f[4], f[5]),
    altitudeM: optionalNumber(f[9], 'GGA altitude'),
  };
}
