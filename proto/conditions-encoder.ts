// Hand-written encoder for Conditions, the bulk record body and the capture hot path: it sizes the
// message first and writes it once into one buffer, with no protobufjs Writer. Byte-identical to it.
import type { Conditions } from './codec.js';

// Loose views of the message: the generated types allow null, Long and prototype defaults we read through.
type Msg = { [field: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Encodes a Conditions body; returns undefined when the message carries something only protobufjs
 * handles (unknown fields kept from a decode), and the caller falls back to it. The codec tests walk
 * the .proto schema, so a field added there and not here fails them rather than going missing.
 */
export function encodeConditions(c: Conditions): Uint8Array | undefined {
  const m = c as Msg;
  if (hasUnknowns(m)) return undefined;
  illFormed = false;
  const size = conditionsSize(m);
  // protobufjs writes a lone surrogate as its own 3 bytes where Buffer writes U+FFFD: leave those to it.
  if (illFormed) return undefined;
  out = Buffer.allocUnsafe(size);
  at = 0;
  writeConditions(m);
  if (at !== size) throw new Error(`encodeConditions: wrote ${at} of ${size} bytes`);
  const done = out;
  out = EMPTY;
  return done;
}

const EMPTY = Buffer.alloc(0);
let out: Buffer = EMPTY;
let at = 0;
let illFormed = false;

function set(v: unknown): boolean {
  return v !== null && v !== undefined;
}

function hasUnknowns(m: Msg): boolean {
  if (set(m.$unknowns) || unknownsIn(m.weather) || unknownsIn(m.lighting) || unknownsIn(m.vibration) || unknownsIn(m.occlusion) || unknownsIn(m.gnss)) return true;
  if (set(m.measurements)) for (const x of m.measurements) if (unknownsIn(x)) return true;
  return false;
}

function unknownsIn(nested: Msg | null | undefined): boolean {
  return set(nested) && set(nested!.$unknowns);
}

// ---- sizes ----

function conditionsSize(m: Msg): number {
  let n = 0;
  if (set(m.sourceId) && m.sourceId !== '') n += stringField(m.sourceId);
  if (set(m.weather)) n += messageField(weatherSize(m.weather));
  if (set(m.lighting)) n += messageField(lightingSize(m.lighting));
  if (set(m.vibration)) n += messageField(vibrationSize(m.vibration));
  if (set(m.occlusion)) n += messageField(occlusionSize(m.occlusion));
  if (set(m.gnss)) n += messageField(gnssSize(m.gnss));
  if (set(m.perceptionConfidence)) n += 5;
  if (set(m.measurements)) for (const x of m.measurements) n += messageField(measurementSize(x));
  return n;
}

function weatherSize(w: Msg): number {
  let n = 0;
  if (set(w.precipitation) && w.precipitation !== 0) n += 1 + int32Size(w.precipitation);
  if (set(w.precipitationMmH)) n += 5;
  if (set(w.visibilityM)) n += 5;
  if (set(w.fogDensity)) n += 5;
  if (set(w.temperatureC)) n += 5;
  if (set(w.windSpeedMS)) n += 5;
  if (set(w.humidityPct)) n += 5;
  return n;
}

function lightingSize(l: Msg): number {
  return (set(l.lux) ? 5 : 0) + (set(l.sunElevationDeg) ? 5 : 0) + (set(l.glare) ? 5 : 0);
}

function vibrationSize(v: Msg): number {
  let n = (set(v.rmsX) ? 5 : 0) + (set(v.rmsY) ? 5 : 0) + (set(v.rmsZ) ? 5 : 0);
  if (set(v.clipX) && v.clipX !== 0) n += 1 + uint32Size(v.clipX >>> 0);
  if (set(v.clipY) && v.clipY !== 0) n += 1 + uint32Size(v.clipY >>> 0);
  if (set(v.clipZ) && v.clipZ !== 0) n += 1 + uint32Size(v.clipZ >>> 0);
  return n;
}

function occlusionSize(o: Msg): number {
  let n = set(o.fraction) ? 5 : 0;
  if (set(o.cause) && o.cause !== 0) n += 1 + int32Size(o.cause);
  if (set(o.sensor) && o.sensor !== '') n += stringField(o.sensor);
  return n;
}

function gnssSize(g: Msg): number {
  let n = 0;
  if (set(g.fix) && g.fix !== 0) n += 1 + int32Size(g.fix);
  if (set(g.satellites) && g.satellites !== 0) n += 1 + uint32Size(g.satellites >>> 0);
  if (set(g.hdop)) n += 5;
  if (set(g.latitudeDeg)) n += 9;
  if (set(g.longitudeDeg)) n += 9;
  if (set(g.altitudeM)) n += 5;
  if (set(g.speedMS)) n += 5;
  return n;
}

function measurementSize(x: Msg): number {
  let n = 0;
  if (set(x.name) && x.name !== '') n += stringField(x.name);
  if (set(x.value) && !Object.is(x.value, 0)) n += 9;
  if (set(x.unit) && x.unit !== '') n += stringField(x.unit);
  return n;
}

/** Tag, length and bytes of a string field (every tag here fits one byte). */
function stringField(s: string): number {
  const len = utf8Length(s);
  return 1 + uint32Size(len) + len;
}

function messageField(len: number): number {
  return 1 + uint32Size(len) + len;
}

function uint32Size(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** protobufjs writes a negative int32 as a 10-byte sign-extended varint. */
function int32Size(n: number): number {
  const v = n | 0;
  return v < 0 ? 10 : uint32Size(v);
}

/** Byte length in UTF-8: a loop for the usual ASCII names, Buffer.byteLength otherwise. */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) illFormed = true;
      return Buffer.byteLength(s, 'utf8');
    }
  }
  return s.length;
}

// ---- writing ----

function writeConditions(m: Msg): void {
  if (set(m.sourceId) && m.sourceId !== '') { out[at++] = 10; putString(m.sourceId); }
  if (set(m.weather)) { out[at++] = 18; putUint32(weatherSize(m.weather)); writeWeather(m.weather); }
  if (set(m.lighting)) { out[at++] = 26; putUint32(lightingSize(m.lighting)); writeLighting(m.lighting); }
  if (set(m.vibration)) { out[at++] = 34; putUint32(vibrationSize(m.vibration)); writeVibration(m.vibration); }
  if (set(m.occlusion)) { out[at++] = 42; putUint32(occlusionSize(m.occlusion)); writeOcclusion(m.occlusion); }
  if (set(m.gnss)) { out[at++] = 50; putUint32(gnssSize(m.gnss)); writeGnss(m.gnss); }
  if (set(m.perceptionConfidence)) putFloat(61, m.perceptionConfidence);
  if (set(m.measurements)) {
    for (const x of m.measurements) { out[at++] = 66; putUint32(measurementSize(x)); writeMeasurement(x); }
  }
}

function writeWeather(w: Msg): void {
  if (set(w.precipitation) && w.precipitation !== 0) { out[at++] = 8; putInt32(w.precipitation); }
  if (set(w.precipitationMmH)) putFloat(21, w.precipitationMmH);
  if (set(w.visibilityM)) putFloat(29, w.visibilityM);
  if (set(w.fogDensity)) putFloat(37, w.fogDensity);
  if (set(w.temperatureC)) putFloat(45, w.temperatureC);
  if (set(w.windSpeedMS)) putFloat(53, w.windSpeedMS);
  if (set(w.humidityPct)) putFloat(61, w.humidityPct);
}

function writeLighting(l: Msg): void {
  if (set(l.lux)) putFloat(13, l.lux);
  if (set(l.sunElevationDeg)) putFloat(21, l.sunElevationDeg);
  if (set(l.glare)) putFloat(29, l.glare);
}

function writeVibration(v: Msg): void {
  if (set(v.rmsX)) putFloat(13, v.rmsX);
  if (set(v.rmsY)) putFloat(21, v.rmsY);
  if (set(v.rmsZ)) putFloat(29, v.rmsZ);
  if (set(v.clipX) && v.clipX !== 0) { out[at++] = 32; putUint32(v.clipX >>> 0); }
  if (set(v.clipY) && v.clipY !== 0) { out[at++] = 40; putUint32(v.clipY >>> 0); }
  if (set(v.clipZ) && v.clipZ !== 0) { out[at++] = 48; putUint32(v.clipZ >>> 0); }
}

function writeOcclusion(o: Msg): void {
  if (set(o.fraction)) putFloat(13, o.fraction);
  if (set(o.cause) && o.cause !== 0) { out[at++] = 16; putInt32(o.cause); }
  if (set(o.sensor) && o.sensor !== '') { out[at++] = 26; putString(o.sensor); }
}

function writeGnss(g: Msg): void {
  if (set(g.fix) && g.fix !== 0) { out[at++] = 8; putInt32(g.fix); }
  if (set(g.satellites) && g.satellites !== 0) { out[at++] = 16; putUint32(g.satellites >>> 0); }
  if (set(g.hdop)) putFloat(29, g.hdop);
  if (set(g.latitudeDeg)) putDouble(33, g.latitudeDeg);
  if (set(g.longitudeDeg)) putDouble(41, g.longitudeDeg);
  if (set(g.altitudeM)) putFloat(53, g.altitudeM);
  if (set(g.speedMS)) putFloat(61, g.speedMS);
}

function writeMeasurement(x: Msg): void {
  if (set(x.name) && x.name !== '') { out[at++] = 10; putString(x.name); }
  if (set(x.value) && !Object.is(x.value, 0)) putDouble(17, x.value);
  if (set(x.unit) && x.unit !== '') { out[at++] = 26; putString(x.unit); }
}

function putUint32(n: number): void {
  while (n >= 0x80) { out[at++] = (n & 0x7f) | 0x80; n >>>= 7; }
  out[at++] = n;
}

function putInt32(n: number): void {
  const v = n | 0;
  if (v >= 0) { putUint32(v); return; }
  // Sign-extended to 64 bits: the low 32 bits, then the high 32 bits all ones.
  let lo = v >>> 0;
  for (let i = 0; i < 4; i++) { out[at++] = (lo & 0x7f) | 0x80; lo >>>= 7; }
  out[at++] = (lo & 0x0f) | 0x70 | 0x80; // bits 28..31 of lo, then bits 32..34 of hi (ones)
  for (let i = 0; i < 4; i++) out[at++] = 0xff;
  out[at++] = 0x01;
}

// Floats go through one shared typed array; its bytes are copied in little-endian (wire) order.
const f32 = new Float32Array(1);
const f32Bytes = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function putFloat(tag: number, v: number): void {
  out[at++] = tag;
  if (!littleEndian) { out.writeFloatLE(v, at); at += 4; return; }
  f32[0] = v;
  out[at++] = f32Bytes[0]; out[at++] = f32Bytes[1]; out[at++] = f32Bytes[2]; out[at++] = f32Bytes[3];
}

function putDouble(tag: number, v: number): void {
  out[at++] = tag;
  if (!littleEndian) { out.writeDoubleLE(v, at); at += 8; return; }
  f64[0] = v;
  for (let i = 0; i < 8; i++) out[at++] = f64Bytes[i];
}

function putString(s: string): void {
  const len = utf8Length(s);
  putUint32(len);
  if (len === s.length) {
    for (let i = 0; i < len; i++) out[at++] = s.charCodeAt(i);
  } else {
    at += out.write(s, at, len, 'utf8');
  }
}
