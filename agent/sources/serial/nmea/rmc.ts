// RMC: status (A valid, V warning), position, speed over ground in knots and, from NMEA 2.3, a mode
// (A autonomous, D differential, E estimated, F/R RTK float/fixed, N none). Example:
// $GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A
import { FieldError, KNOTS_TO_M_S, latitude, longitude, optionalNumber } from './fields.js';

export interface Rmc {
  kind: 'RMC';
  valid: boolean;
  latitudeDeg?: number;
  longitudeDeg?: number;
  speedMS?: number;
  mode?: string;
}

export function parseRmc(f: string[]): Rmc {
  if (f.length < 8) throw new FieldError('RMC', f.join(','), 'at least 7 fields');
  if (f[2] !== 'A' && f[2] !== 'V') throw new FieldError('RMC status', f[2], 'A or V');
  const knots = optionalNumber(f[7], 'RMC speed');
  const mode = f[12];
  if (mode !== undefined && mode !== '' && !/^[ADEFMNPRS]$/.test(mode)) throw new FieldError('RMC mode', mode, 'one of A D E F M N P R S');
  return {
    kind: 'RMC',
    valid: f[2] === 'A',
    latitudeDeg: latitude(f[3], f[4]),
    longitudeDeg: longitude(f[5], f[6]),
    speedMS: knots === undefined ? undefined : knots * KNOTS_TO_M_S,
    mode: mode || undefined,
  };
}
