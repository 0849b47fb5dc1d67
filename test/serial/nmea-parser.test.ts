// NMEA 0183 parsing, pure: checksums against published sentences, each sentence type, coordinate
// conversion, fix mapping, counting of bad input, line splitting and the latest-fix aggregator.
import { describe, expect, it } from 'vitest';
import {
  fixFromGga, GnssFix, KM_H_TO_M_S, KNOTS_TO_M_S, latitude, LineSplitter, longitude, nmeaChecksum, NmeaDecoder,
  parseGga, parseGsa, parseRmc, parseSentence, parseVtg, withChecksum, type Sentence,
} from '../../agent/sources/serial/nmea/index.js';
import { schema } from '../../proto/index.js';

const Fix = schema.Gnss.Fix;

// The classic examples of the NMEA 0183 reference sentences (as reproduced by gpsd and most tutorials).
const GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
const RMC = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';
const GSA = '$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39';
const VTG = '$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48';

function fields(line: string): string[] {
  const s = parseSentence(line);
  if (!s.ok) throw new Error(`${line}: ${s.detail}`);
  return s.fields;
}

describe('checksum', () => {
  it('matches the published sentences', () => {
    for (const line of [GGA, RMC, GSA, VTG]) {
      const star = line.indexOf('*');
      expect(nmeaChecksum(line.slice(1, star)), line).toBe(parseInt(line.slice(star + 1), 16));
      expect(parseSentence(line).ok, line).toBe(true);
    }
    expect(withChecksum(GGA.slice(1, GGA.indexOf('*')))).toBe(GGA);
  });

  it('rejects a wrong checksum, a missing one and a non-hex one', () => {
    expect(parseSentence(GGA.replace('*47', '*48'))).toMatchObject({ ok: false, error: 'bad_checksum' });
    expect(parseSentence(GGA.replace('545.4', '545.5'))).toMatchObject({ ok: false, error: 'bad_checksum' });
    expect(parseSentence('$GPGGA,123519,4807.038,N,011')).toMatchObject({ ok: false, error: 'malformed' });
    expect(parseSentence(GGA.replace('*47', '*4G'))).toMatchObject({ ok: false, error: 'malformed' });
    expect(parseSentence('hello world')).toMatchObject({ ok: false, error: 'garbage' });
  });

  it('accepts lower-case hex, trailing blanks and noise before the $', () => {
    expect(parseSentence(RMC.replace('*6A', '*6a')).ok).toBe(true);
    expect(parseSentence(`${GGA}  `).ok).toBe(true);
    expect(parseSentence(`\u0000\u00b5b$GPGG${GGA}`)).toMatchObject({ ok: true, noise: true, type: 'GGA' });
  });

  it('splits the address into talker and type, for any talker and proprietary sentences', () => {
    for (const talker of ['GP', 'GN', 'GL', 'GA', 'BD', 'GB', 'GQ']) {
      const s = parseSentence(withChecksum(`${talker}GGA,,,,,,0,00,99.99,,,,,,`)) as Sentence;
      expect(s).toMatchObject({ ok: true, talker, type: 'GGA' });
      expect(s.fields[6]).toBe('0');
    }
    expect(parseSentence(withChecksum('PUBX,00,123519.00'))).toMatchObject({ ok: true, talker: 'P', type: 'UBX' });
    expect(parseSentence(withChecksum('GPGGAX,1'))).toMatchObject({ ok: false, error: 'malformed' });
  });
});

describe('coordinates', () => {
  it('converts ddmm.mmmm / dddmm.mmmm with hemispheres to signed degrees', () => {
    expect(latitude('4807.038', 'N')).toBeCloseTo(48 + 7.038 / 60, 9);
    expect(latitude('4807.038', 'S')).toBeCloseTo(-(48 + 7.038 / 60), 9);
    expect(longitude('01131.000', 'E')).toBeCloseTo(11 + 31 / 60, 9);
    expect(longitude('12218.5000', 'W')).toBeCloseTo(-(122 + 18.5 / 60), 9);
    expect(latitude('0000.0000', 'N')).toBe(0);
    expect(latitude('9000.0000', 'S')).toBe(-90);
    expect(latitude('', '')).toBeUndefined();
  });

  it('refuses impossible values', () => {
    expect(() => latitude('4860.000', 'N')).toThrow(/minutes below 60/);
    expect(() => latitude('9100.000', 'N')).toThrow(/at most 90/);
    expect(() => longitude('18100.000', 'E')).toThrow(/at most 180/);
    expect(() => latitude('4807.038', 'E')).toThrow(/N or S/);
    expect(() => longitude('1131.000', '')).toThrow(/E or W/);
    expect(() => latitude('48O7.038', 'N')).toThrow(/ddmm/);
  });
});

describe('sentences', () => {
  it('GGA: quality, satellites, HDOP, position, altitude', () => {
    const g = parseGga(fields(GGA));
    expect(g).toMatchObject({ kind: 'GGA', quality: 1, satellites: 8, hdop: 0.9, altitudeM: 545.4 });
    expect(g.latitudeDeg).toBeCloseTo(48.1173, 4);
    expect(g.longitudeDeg).toBeCloseTo(11.516667, 5);
    expect(parseGga(fields(withChecksum('GNGGA,,,,,,0,00,99.99,,,,,,')))).toMatchObject({ quality: 0, latitudeDeg: undefined, altitudeM: undefined });
    expect(() => parseGga(fields(withChecksum('GPGGA,123519,4807.038,N,01131.000,E,9,08,0.9,545.4,M,46.9,M,,')))).toThrow(/0 to 8/);
    expect(() => parseGga(fields(withChecksum('GPGGA,123519,4807.038,N,01131.000,E,1,08,x,545.4,M,46.9,M,,')))).toThrow(/HDOP/);
  });

  it('GGA fix quality maps to our Fix, with GSA telling 2D from 3D', () => {
    expect(fixFromGga(0)).toBe(Fix.NO_FIX);
    expect(fixFromGga(1)).toBe(Fix.FIX_3D);
    expect(fixFromGga(1, 3)).toBe(Fix.FIX_3D);
    expect(fixFromGga(1, 2)).toBe(Fix.FIX_2D);
    expect(fixFromGga(2)).toBe(Fix.DGPS);
    expect(fixFromGga(4)).toBe(Fix.RTK_FIXED);
    expect(fixFromGga(5)).toBe(Fix.RTK_FLOAT);
    expect(fixFromGga(6)).toBe(Fix.NO_FIX);
  });

  it('RMC: status, position, speed in knots to m/s, mode', () => {
    const r = parseRmc(fields(RMC));
    expect(r).toMatchObject({ kind: 'RMC', valid: true, mode: undefined });
    expect(r.speedMS).toBeCloseTo(22.4 * 0.514444, 4);
    expect(r.latitudeDeg).toBeCloseTo(48.1173, 4);
    expect(parseRmc(fields(withChecksum('GNRMC,123520.00,V,,,,,,,230394,,,N,V')))).toMatchObject({ valid: false, mode: 'N', latitudeDeg: undefined });
    expect(parseRmc(fields(withChecksum('GNRMC,123520.00,A,4807.038,N,01131.000,E,0.0,,230394,,,R,V')))).toMatchObject({ valid: true, mode: 'R' });
    expect(() => parseRmc(fields(withChecksum('GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W')))).toThrow(/A or V/);
  });

  it('GSA: fix type, satellites used, HDOP', () => {
    expect(parseGsa(fields(GSA))).toEqual({ kind: 'GSA', fixType: 3, satellitesUsed: 5, hdop: 1.3 });
    expect(() => parseGsa(fields(withChecksum('GPGSA,A,4,,,,,,,,,,,,,,,')))).toThrow(/1, 2 or 3/);
  });

  it('VTG: km/h to m/s, knots when km/h is missing', () => {
    expect(parseVtg(fields(VTG)).speedMS).toBeCloseTo(10.2 / 3.6, 6);
    expect(parseVtg(fields(withChecksum('GPVTG,054.7,T,034.4,M,005.5,N,,K'))).speedMS).toBeCloseTo(5.5 * KNOTS_TO_M_S, 6);
    expect(KM_H_TO_M_S).toBeCloseTo(1 / 3.6, 12);
    expect(() => parseVtg(fields(withChecksum('GPVTG,054.7,034.4,005.5,010.2')))).toThrow(/VTG/);
  });
});

describe('decoder', () => {
  it('counts every kind of bad line and never throws', () => {
    const d = new NmeaDecoder();
    const lines = [
      GGA, RMC, GSA, VTG, // 4 good
      GGA.replace('*47', '*00'), // bad checksum
      '$GPGGA,123519,4807.0', // truncated
      withChecksum('GPGGA,123519,48x7.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'), // bad field
      withChecksum('GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00'), // unknown type
      withChecksum('PUBX,00,123519.00'), // proprietary
      '\u0000\u0001\u00ff garbage \u0007', // garbage
      '*', // garbage: no $
      '$', // malformed: no checksum
      '$*00', // malformed: the checksum fits, but there is no address
    ];
    for (const line of lines) expect(() => d.decode(line)).not.toThrow();
    expect(d.counts).toEqual({ sentences: 4, bad_checksum: 1, malformed: 4, unknown: 2, garbage: 2 });
  });
});

describe('line splitter', () => {
  it('ends lines at CR, LF or CRLF and keeps partial lines for the next chunk', () => {
    const s = new LineSplitter();
    expect(s.push('$GPGGA,1*00\r\n$GPRMC')).toEqual(['$GPGGA,1*00']);
    expect(s.push(',2*00\r')).toEqual(['$GPRMC,2*00']);
    expect(s.push('\n\n\r\n')).toEqual([]);
    expect(s.push('a\nb\rc')).toEqual(['a', 'b']);
    expect(s.push('')).toEqual([]);
    expect(s.push('\n')).toEqual(['c']);
  });

  it('cuts a run without line ends at the maximum length', () => {
    const s = new LineSplitter(10);
    expect(s.push('x'.repeat(25))).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    expect(s.push('\n')).toEqual(['xxxxx']);
  });
});

describe('latest fix', () => {
  const decode = (d: NmeaDecoder, f: GnssFix, ...lines: string[]) => lines.map((l) => f.update(d.decode(l)!));

  it('combines GGA, GSA, RMC and VTG into one gnss body', () => {
    const d = new NmeaDecoder();
    const f = new GnssFix();
    expect(decode(d, f, GSA, VTG, RMC, GGA)).toEqual([false, false, true, true]);
    const body = f.body('serial:gnss0');
    expect('conditions' in body && body.conditions.sourceId).toBe('serial:gnss0');
    const g = f.gnss();
    expect(g).toMatchObject({ fix: Fix.FIX_3D, satellites: 8, hdop: 0.9, altitudeM: 545.4 });
    expect(g.latitudeDeg).toBeCloseTo(48.1173, 4);
    expect(g.speedMS).toBeCloseTo(22.4 * KNOTS_TO_M_S, 6); // RMC came after VTG
  });

  it('says 2D when GSA does, and drops position and speed when the fix is lost', () => {
    const d = new NmeaDecoder();
    const f = new GnssFix();
    decode(d, f, withChecksum('GPGSA,A,2,04,05,,09,,,,,,,,,3.5,2.3,2.6'), GGA);
    expect(f.gnss().fix).toBe(Fix.FIX_2D);
    decode(d, f, withChecksum('GPGGA,123520,,,,,0,00,99.99,,,,,,'), withChecksum('GPRMC,123520,V,,,,,,,230394,,'));
    const lost = f.gnss();
    expect(lost).toEqual({ fix: Fix.NO_FIX, satellites: 0, hdop: 99.99 });
  });

  it('uses RMC alone when the receiver sends no GGA', () => {
    const d = new NmeaDecoder();
    const f = new GnssFix();
    decode(d, f, RMC);
    expect(f.gnss()).toMatchObject({ fix: Fix.FIX_2D, satellites: 0 });
    decode(d, f, GSA, withChecksum('GNRMC,123520.00,A,4807.038,N,01131.000,E,1.0,,230394,,,D,V'));
    expect(f.gnss()).toMatchObject({ fix: Fix.DGPS, satellites: 5, hdop: 1.3 });
    expect(f.gnss().longitudeDeg).toBeCloseTo(11.516667, 5);
  });
});
