// agent/sources/serial/nmea: NMEA 0183 GNSS sentences (GGA, RMC, GSA, VTG from any talker) into
// Conditions.gnss. Pure parsing and aggregation; the handler is what the serial source drives.
export { createNmeaHandler } from './nmea-handler.js';
export { NmeaDecoder, type NmeaCounters, type NmeaData } from './nmea-decoder.js';
export { GnssFix, fixFromGga, fixFromRmc, type Gnss } from './gnss-fix.js';
export { LineSplitter } from './line-splitter.js';
export { nmeaChecksum, parseSentence, withChecksum, type Sentence, type SentenceError } from './sentence.js';
export { FieldError, latitude, longitude, KNOTS_TO_M_S, KM_H_TO_M_S } from './fields.js';
export { parseGga, type Gga } from './gga.js';
export { parseRmc, type Rmc } from './rmc.js';
export { parseGsa, type Gsa } from './gsa.js';
export { parseVtg, type Vtg } from './vtg.js';
