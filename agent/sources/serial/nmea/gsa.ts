// GSA: DOP and active satellites: fix type (1 none, 2 2D, 3 3D), up to 12 satellite ids, PDOP/HDOP/VDOP. Example:
// $GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39
import { FieldError, optionalNumber } from './fields.js';

export interface Gsa {
  kind: 'GSA';
  fixType: 1 | 2 | 3;
  satellitesUsed: number;
  hdop?: number;
}

export function parseGsa(f: string[]): Gsa {
  if (f.length < 17) throw new FieldError('GSA', f.join(','), 'at least 16 fields');
  if (f[2] !== '1' && f[2] !== '2' && f[2] !== '3') throw new FieldError('GSA fix type', f[2], '1, 2 or 3');
  return {
    kind: 'GSA',
    fixType: Number(f[2]) as 1 | 2 | 3,
    satellitesUsed: f.slice(3, 15).filter((id) => id !== '').length,
    hdop: optionalNumber(f[16], 'GSA HDOP'),
  };
}
