// One NMEA 0183 line checked and split: `$` + address (talker id + sentence type) + fields + `*hh`,
// where hh is the XOR of every character between `$` and `*`. Pure; never throws.
export interface Sentence {
  ok: true;
  /** "GP", "GN", "GL", "GA", "BD", ...; "P" for proprietary sentences. */
  talker: string;
  /** "GGA", "RMC", ...; for proprietary sentences the rest of the address ("UBX"). */
  type: string;
  /** fields[0] is the address, so indexes match the NMEA field numbers (GGA fields[6] = fix quality). */
  fields: string[];
  /** Bytes before the `$` that belonged to no sentence (noise, or a sentence cut short). */
  noise: boolean;
}

export interface SentenceError {
  ok: false;
  error: 'garbage' | 'malformed' | 'bad_checksum';
  detail: string;
}

/** XOR of the characters of `body` (what lies between `$` and `*`). */
export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i) & 0xff;
  return sum;
}

/** `body` with its `$` and `*hh`, for tests and simulators. */
export function withChecksum(body: string): string {
  return `$${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Talker id (2) + sentence type (3), or `P` + a vendor's proprietary address. */
const ADDRESS = /^(?:[A-Z][A-Z0-9][A-Z]{3}|P[A-Z0-9]{2,5})$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

export function parseSentence(line: string): Sentence | SentenceError {
  const start = Math.max(line.lastIndexOf('$'), line.lastIndexOf('!'));
  if (start < 0) return { ok: false, error: 'garbage', detail: 'no "$" in the line' };
  const text = line.slice(start).trimEnd();
  const star = text.lastIndexOf('*');
  if (star < 0) return { ok: false, error: 'malformed', detail: 'no "*hh" checksum: the line was cut short' };
  const hex = text.slice(star + 1);
  const body = text.slice(1, star);
  if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, error: 'malformed', detail: `checksum "${hex}" is not two hex digits` };
  if (parseInt(hex, 16) !== nmeaChecksum(body)) {
    return { ok: false, error: 'bad_checksum', detail: `checksum ${hex.toUpperCase()} does not match the sentence` };
  }
  if (!PRINTABLE.test(body)) return { ok: false, error: 'malformed', detail: 'non-printable characters in the sentence' };
  const fields = body.split(',');
  const address = fields[0];
  if (!ADDRESS.test(address)) return { ok: false, error: 'malformed', detail: `"${address}" is not a sentence address` };
  const proprietary = address.startsWith('P');
  return {
    ok: true,
    talker: proprietary ? 'P' : address.slice(0, 2),
    type: proprietary ? address.slice(1) : address.slice(2),
    fields,
    noise: start > 0,
  };
}
