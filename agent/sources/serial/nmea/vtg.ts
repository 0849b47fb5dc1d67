// VTG: course and speed over ground, in knots (N) and km/h (K); km/h is preferred. Example:
// $GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48
import { FieldError, KM_H_TO_M_S, KNOTS_TO_M_S, optionalNumber } from './fields.js';

export interface Vtg {
  kind: 'VTG';
  speedMS?: number;
}

export function parseVtg(f: string[]): Vtg {
  if (f[8] === 'K') {
    const kmh = optionalNumber(f[7], 'VTG speed km/h');
    if (kmh !== undefined) return { kind: 'VTG', speedMS: kmh * KM_H_TO_M_S };
  }
  if (f[6] === 'N') {
    const knots = optionalNumber(f[5], 'VTG speed knots');
    return { kind: 'VTG', speedMS: knots === undefined ? undefined : knots * KNOTS_TO_M_S };
  }
  throw new FieldError('VTG', f.join(','), 'speed fields marked N (knots) and K (km/h)');
}
