// Turns NMEA lines into GGA/RMC/GSA/VTG data, any talker id, routed by one switch on the sentence
// type. Never throws: garbage, bad checksums, malformed fields and unknown sentences are counted.
import { FieldError } from './fields.js';
import { parseGga, type Gga } from './gga.js';
import { parseGsa, type Gsa } from './gsa.js';
import { parseRmc, type Rmc } from './rmc.js';
import { parseSentence } from './sentence.js';
import { parseVtg, type Vtg } from './vtg.js';

export type NmeaData = Gga | Rmc | Gsa | Vtg;

export interface NmeaCounters {
  /** Sentences decoded and used. */
  sentences: number;
  bad_checksum: number;
  /** Cut short (no checksum), or a field that is not what the sentence needs. */
  malformed: number;
  /** Valid sentences of a type this decoder does not read (GSV, GLL, ZDA, proprietary, ...). */
  unknown: number;
  /** Lines, or bytes before a `$`, that held no sentence at all. */
  garbage: number;
}

export class NmeaDecoder {
  readonly counts: NmeaCounters = { sentences: 0, bad_checksum: 0, malformed: 0, unknown: 0, garbage: 0 };
  /** Why the last line was rejected, for debugging. */
  lastError: string | undefined;

  decode(line: string): NmeaData | undefined {
    const s = parseSentence(line);
    if (!s.ok) {
      this.counts[s.error]++;
      this.lastError = s.detail;
      return undefined;
    }
    if (s.noise) this.counts.garbage++;
    try {
      const data = s.talker === 'P' ? undefined : route(s.type, s.fields);
      if (data) this.counts.sentences++;
      else this.counts.unknown++;
      return data;
    } catch (err) {
      this.counts.malformed++;
      this.lastError = err instanceof FieldError ? err.message : `unreadable ${s.type}: ${String(err)}`;
      return undefined;
    }
  }
}

function route(type: string, fields: string[]): NmeaData | undefined {
  switch (type) {
    case 'GGA':
      return parseGga(fields);
    case 'RMC':
      return parseRmc(fields);
    case 'GSA':
      return parseGsa(fields);
    case 'VTG':
      return parseVtg(fields);
    default:
      return undefined;
  }
}
