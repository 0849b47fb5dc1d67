// Keeps the latest GNSS fix from the decoded sentences and renders it as a Conditions body. Pure.
// GGA is the authority on fix and position once seen; RMC stands in for receivers that send no GGA.
import { schema, type Body, type Conditions } from '../../../../proto/index.js';
import type { NmeaData } from './nmea-decoder.js';
import type { Gga } from './gga.js';
import type { Gsa } from './gsa.js';
import type { Rmc } from './rmc.js';

export type Gnss = NonNullable<Conditions['gnss']>;
type Fix = Gnss['fix'];
const Fix = schema.Gnss.Fix;

/**
 * GGA fix quality to our Fix: 1 (GPS) and 3 (PPS) are a 3D fix unless GSA says 2D; 2 DGPS; 4 RTK fixed;
 * 5 RTK float; 0 (invalid), 6 (estimated, dead reckoning), 7 (manual input), 8 (simulation) are no fix.
 */
export function fixFromGga(quality: number, gsaFixType?: 1 | 2 | 3): Fix {
  switch (quality) {
    case 1:
    case 3:
      return gsaFixType === 2 ? Fix.FIX_2D : Fix.FIX_3D;
    case 2:
      return Fix.DGPS;
    case 4:
      return Fix.RTK_FIXED;
    case 5:
      return Fix.RTK_FLOAT;
    default:
      return Fix.NO_FIX;
  }
}

/**
 * RMC alone: status V is no fix; with a mode indicator D is DGPS, R RTK fixed, F RTK float, E/N/M/S
 * no fix; otherwise GSA's 2D/3D, and 2D when there is no GSA (RMC does not say whether height is known).
 */
export function fixFromRmc(rmc: Rmc, gsaFixType?: 1 | 2 | 3): Fix {
  if (!rmc.valid) return Fix.NO_FIX;
  switch (rmc.mode) {
    case 'D':
      return Fix.DGPS;
    case 'R':
      return Fix.RTK_FIXED;
    case 'F':
      return Fix.RTK_FLOAT;
    case 'E':
    case 'N':
    case 'M':
    case 'S':
      return Fix.NO_FIX;
    default:
      return gsaFixType === 3 ? Fix.FIX_3D : gsaFixType === 1 ? Fix.NO_FIX : Fix.FIX_2D;
  }
}

export class GnssFix {
  private gga: Gga | undefined;
  private rmc: Rmc | undefined;
  private gsa: Gsa | undefined;
  private hdop: number | undefined;
  private speedMS: number | undefined;

  /** Takes one decoded sentence; true when it carried a position (GGA, RMC): time to consider a record. */
  update(d: NmeaData): boolean {
    switch (d.kind) {
      case 'GGA':
        this.gga = d;
        if (d.hdop !== undefined) this.hdop = d.hdop;
        return true;
      case 'RMC':
        this.rmc = d;
        this.speedMS = d.valid ? d.speedMS : undefined;
        return true;
      case 'GSA':
        this.gsa = d;
        if (d.hdop !== undefined) this.hdop = d.hdop;
        return false;
      case 'VTG':
        this.speedMS = d.speedMS;
        return false;
    }
  }

  /** The fix as it stands; position, altitude and speed only when there is a fix. */
  gnss(): Gnss {
    const from = this.gga ?? this.rmc;
    const fix = this.gga ? fixFromGga(this.gga.quality, this.gsa?.fixType) : this.rmc ? fixFromRmc(this.rmc, this.gsa?.fixType) : Fix.NO_FIX;
    const gnss: Gnss = { fix, satellites: this.gga?.satellites ?? this.gsa?.satellitesUsed ?? 0 };
    if (this.hdop !== undefined) gnss.hdop = this.hdop;
    if (fix === Fix.NO_FIX || !from) return gnss;
    if (from.latitudeDeg !== undefined) gnss.latitudeDeg = from.latitudeDeg;
    if (from.longitudeDeg !== undefined) gnss.longitudeDeg = from.longitudeDeg;
    if (this.gga?.altitudeM !== undefined) gnss.altitudeM = this.gga.altitudeM;
    if (this.speedMS !== undefined) gnss.speedMS = this.speedMS;
    return gnss;
  }

  body(sourceId: string): Body {
    return { conditions: { sourceId, gnss: this.gnss() } };
  }
}
