// Encodes and decodes fieldproof wire messages; the only file that touches protobufjs.
// Decoding errors are permanent (DecodeError): the bytes are malformed and will never decode.
import protobuf from 'protobufjs/minimal.js';
import { fieldproof } from './generated/fieldproof.js';
import { encodeConditions } from './conditions-encoder.js';
import { findOutOfRange } from './decoded-checks.js';

const v1 = fieldproof.v1;
export const schema = v1;

export type RecordMessage = fieldproof.v1.Record;
export type SegmentMessage = fieldproof.v1.Segment;
export type SealMessage = fieldproof.v1.Seal;
export type AckMessage = fieldproof.v1.Ack;
export type Conditions = fieldproof.v1.Conditions.$Properties;
export type Handover = fieldproof.v1.Handover.$Properties;
export type Decision = fieldproof.v1.Decision.$Properties;
export type Health = fieldproof.v1.Health.$Properties;
export type Marker = fieldproof.v1.Marker.$Properties;
export type Gap = fieldproof.v1.Gap.$Properties;
export type KeyRotation = fieldproof.v1.KeyRotation.$Properties;
export type Fork = fieldproof.v1.Fork.$Properties;
export type CheckpointMessage = fieldproof.v1.Checkpoint;
export type Boot = fieldproof.v1.Boot.$Properties;
export type Criterion = fieldproof.v1.Criterion.$Properties;

/** The body kinds a record can carry, in schema order. */
export const BODY_KINDS = ['boot', 'conditions', 'handover', 'decision', 'health', 'marker', 'gap', 'keyRotation', 'fork'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

interface BodyProps {
  boot: Boot; conditions: Conditions; handover: Handover; decision: Decision;
  health: Health; marker: Marker; gap: Gap; keyRotation: KeyRotation; fork: Fork;
}
/** Exactly one body, keyed by its kind: `{ conditions: {...} }`. */
export type Body = { [K in BodyKind]: { [P in K]: BodyProps[K] } }[BodyKind];

/** An unsigned 64-bit value as it appears on the wire: protobufjs gives Long, we also accept number/bigint. */
export type U64 = number | bigint | { low: number; high: number; toString(): string };

export class DecodeError extends Error {
  readonly code = 'DECODE' as const;
  readonly permanent = true;
  constructor(what: string, cause: unknown) {
    super(`malformed ${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DecodeError';
  }
}

/** Converts a wire uint64 into a bigint, exactly. */
export function toBigInt(value: U64 | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** Converts a wire uint64 into a number; for seq and counts, which stay far below 2^53. */
export function toNumber(value: U64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return (value.high >>> 0) * 4294967296 + (value.low >>> 0);
}

/** A bigint as the {low, high} pair the protobufjs writer takes, without going through a string. */
export function fromBigInt(value: bigint): number {
  // The writer reads only .low and .high; typed as number to fit the generated property types.
  return { low: Number(value & 0xffffffffn) | 0, high: Number((value >> 32n) & 0xffffffffn) | 0, unsigned: true } as unknown as number;
}

export interface RecordFields {
  deviceId: string;
  seq: number;
  timeUnixNs: bigint;
  monoNs: bigint;
  prevHash: Uint8Array;
}

/** Encodes one record. The returned bytes are what gets hashed, stored and sent; never re-encode them. */
export function encodeRecord(fields: RecordFields, body: Body): Uint8Array {
  return encodeRecordWithBody(fields, encodeBody(body));
}

/** A body encoded ahead of its record, so the costly part happens outside the outbox's transaction. */
export interface EncodedBody {
  field: number;
  bytes: Uint8Array;
}

const BODY_FIELDS: Record<BodyKind, number> = {
  boot: 10, conditions: 11, handover: 12, decision: 13, health: 14, marker: 15, gap: 16, keyRotation: 17, fork: 18,
};

/** A record's body exactly as encoded in it, ready to go into another record without re-encoding. */
export function encodedBodyOf(env: Envelope): EncodedBody | undefined {
  return env.kind && env.body ? { field: BODY_FIELDS[env.kind], bytes: env.body } : undefined;
}

export function encodeBody(body: Body): EncodedBody {
  const kind = Object.keys(body)[0] as BodyKind;
  const field = BODY_FIELDS[kind];
  if (field === undefined) throw new Error(`unknown record body "${kind}"`);
  const message = (body as Record<string, unknown>)[kind];
  const fast = kind === 'conditions' ? encodeConditions(message as Conditions) : undefined;
  return { field, bytes: fast ?? (TYPES[kind].encode as (m: unknown) => protobuf.Writer)(message).finish() };
}

/**
 * Encodes the record envelope and appends the pre-encoded body as its length-delimited field.
 * Byte-identical to protobufjs encoding the whole Record (fields in number order, proto3 defaults
 * omitted; an embedded message is exactly a length-delimited field holding its bytes), and about
 * three times faster: this is the outbox's hot path. The codec tests hold it to that equivalence.
 */
export function encodeRecordWithBody(fields: RecordFields, body: EncodedBody): Uint8Array {
  const size = recordSize(fields, body);
  const out = Buffer.allocUnsafe(size);
  writeRecord(out, 0, fields, body);
  return out;
}

/** The size encodeRecordWithBody gives these fields and body. */
export function recordSize(fields: RecordFields, body: EncodedBody): number {
  const device = utf8Of(fields.deviceId).length;
  const prev = fields.prevHash.length;
  return (device ? 1 + varintSize(device) + device : 0)
    + (fields.seq ? 1 + varintSize(fields.seq) : 0)
    + (fields.timeUnixNs ? 1 + varint64Size(fields.timeUnixNs) : 0)
    + (fields.monoNs ? 1 + varint64Size(fields.monoNs) : 0)
    + (prev ? 1 + varintSize(prev) + prev : 0)
    + varintSize(body.field << 3) + varintSize(body.bytes.length) + body.bytes.length;
}

/**
 * Writes a record of `size` bytes (recordSize) framed as one `Segment.records` entry: the field tag,
 * the length, then the record. Returns where the record's own bytes start, so the caller can hash
 * them in place; a batch of records is written into one buffer that is already the stored fragment.
 */
export function writeFramedRecord(out: Buffer, at: number, fields: RecordFields, body: EncodedBody, size: number): number {
  out[at++] = 0x0a;
  at = putVarint(out, at, size);
  writeRecord(out, at, fields, body);
  return at;
}

/** The bytes writeFramedRecord takes for a record of `size` bytes. */
export function framedSize(size: number): number {
  return 1 + varintSize(size) + size;
}

function writeRecord(out: Buffer, at: number, fields: RecordFields, body: EncodedBody): number {
  const device = utf8Of(fields.deviceId);
  const prev = fields.prevHash;
  if (device.length) { out[at++] = 0x0a; at = putVarint(out, at, device.length); out.set(device, at); at += device.length; }
  if (fields.seq) { out[at++] = 0x10; at = putVarint(out, at, fields.seq); }
  if (fields.timeUnixNs) { out[at++] = 0x18; at = putVarint64(out, at, fields.timeUnixNs); }
  if (fields.monoNs) { out[at++] = 0x20; at = putVarint64(out, at, fields.monoNs); }
  if (prev.length) { out[at++] = 0x2a; at = putVarint(out, at, prev.length); out.set(prev, at); at += prev.length; }
  at = putVarint(out, at, (body.field << 3) | 2);
  at = putVarint(out, at, body.bytes.length);
  out.set(body.bytes, at);
  return at + body.bytes.length;
}

let lastDevice = '';
let lastDeviceBytes = new Uint8Array(0);
function utf8Of(text: string): Uint8Array {
  if (text !== lastDevice) {
    lastDevice = text;
    lastDeviceBytes = Buffer.from(text, 'utf8');
  }
  return lastDeviceBytes;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) { n = Math.floor(n / 128); size++; }
  return size;
}

function varint64Size(n: bigint): number {
  const hi = Number(n >> 32n);
  if (hi === 0) return varintSize(Number(n));
  // 32 bits of lo plus the bits of hi, 7 per byte.
  return Math.ceil((32 + (32 - Math.clz32(hi))) / 7);
}

function putVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 128) { out[at++] = (n % 128) | 128; n = Math.floor(n / 128); }
  out[at++] = n;
  return at;
}

function putVarint64(out: Uint8Array, at: number, n: bigint): number {
  // Split into two 32-bit halves so the loop runs on numbers, not bigints.
  let lo = Number(n & 0xffffffffn);
  let hi = Number(n >> 32n);
  while (hi > 0 || lo >= 128) {
    out[at++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | ((hi & 127) << 25)) >>> 0;
    hi = hi >>> 7;
  }
  out[at++] = lo;
  return at;
}

/** A record's envelope: everything but the body's contents. */
export interface Envelope {
  deviceId: string;
  seq: number;
  timeUnixNs: bigint;
  monoNs: bigint;
  prevHash: Uint8Array;
  kind: BodyKind | undefined;
  /** The body's encoded bytes as they sit in the record (a view, not a copy). */
  body: Uint8Array | undefined;
}

const KIND_OF_FIELD: Record<number, BodyKind> = Object.fromEntries(Object.entries(BODY_FIELDS).map(([k, f]) => [f, k as BodyKind]));

/**
 * Decodes a record's envelope without decoding its body: what chain checks and indexing need, at a
 * fraction of a full decode. Throws DecodeError on malformed bytes, like decodeRecord.
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const env: Envelope = { deviceId: '', seq: 0, timeUnixNs: 0n, monoNs: 0n, prevHash: EMPTY, kind: undefined, body: undefined };
  const c: Cursor = { bytes, at: 0 };
  while (c.at < bytes.length) {
    const tag = readSmall(c);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 2) env.deviceId = deviceIdOf(readSlice(c));
    else if (field === 2 && wire === 0) env.seq = readNumber(c);
    else if (field === 3 && wire === 0) env.timeUnixNs = readU64(c);
    else if (field === 4 && wire === 0) env.monoNs = readU64(c);
    else if (field === 5 && wire === 2) env.prevHash = readSlice(c);
    else if (wire === 2 && KIND_OF_FIELD[field]) { env.body = readSlice(c); env.kind = KIND_OF_FIELD[field]; }
    else if (wire === 0) readU64(c);
    else if (wire === 2) readSlice(c);
    else if (wire === 1) c.at += 8;
    else if (wire === 5) c.at += 4;
    else throw new DecodeError('record', new Error(`unsupported wire type ${wire} for field ${field}`));
  }
  if (c.at > bytes.length) throw new DecodeError('record', new Error('fixed-width field runs past the end'));
  return env;
}

interface Cursor {
  bytes: Uint8Array;
  at: number;
}

/**
 * A uint64 varint, read as two 32-bit halves and joined once (a BigInt per bit group costs ten times more: the
 * envelope is decoded for every record the hub, the analyst and the evidence verifier read). Bits past 64 are
 * dropped, as protobufjs drops them.
 */
function readU64(c: Cursor): bigint {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (c.at >= c.bytes.length) throw new DecodeError('record', new Error('truncated varint'));
    const b = c.bytes[c.at++];
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if (b < 0x80) return hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }
  throw new DecodeError('record', new Error('varint too long'));
}

/** A varint as a number: exact below 2^53, which seqs stay far below. */
function readNumber(c: Cursor): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (c.at >= c.bytes.length) throw new DecodeError('record', new Error('truncated varint'));
    const b = c.bytes[c.at++];
    result += (b & 0x7f) * scale;
    if (b < 0x80) return result;
    scale *= 128;
  }
  throw new DecodeError('record', new Error('varint too long'));
}

// A device's records all name it: decode its id once, not once per record.
let lastIdBytes: Uint8Array = new Uint8Array(0);
let lastId = '';
function deviceIdOf(bytes: Uint8Array): string {
  let same = bytes.length === lastIdBytes.length;
  for (let i = 0; same && i < bytes.length; i++) same = bytes[i] === lastIdBytes[i];
  if (!same) {
    lastId = utf8Decoder.decode(bytes);
    lastIdBytes = new Uint8Array(bytes); // a copy: a view would keep the whole segment it came from
  }
  return lastId;
}

/** Tags and lengths: at most 4 bytes, read as a number. */
function readSmall(c: Cursor): number {
  let result = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (c.at >= c.bytes.length) throw new DecodeError('record', new Error('truncated varint'));
    const b = c.bytes[c.at++];
    result |= (b & 0x7f) << shift;
    if (b < 0x80) return result >>> 0;
  }
  throw new DecodeError('record', new Error('tag or length too long'));
}

function readSlice(c: Cursor): Uint8Array {
  const length = readSmall(c);
  if (c.at + length > c.bytes.length) throw new DecodeError('record', new Error(`field of ${length} bytes runs past the end`));
  const out = c.bytes.subarray(c.at, c.at + length);
  c.at += length;
  return out;
}

const EMPTY = new Uint8Array(0);
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeRecord(bytes: Uint8Array): RecordMessage {
  try {
    return v1.Record.decode(bytes);
  } catch (err) {
    throw new DecodeError('record', err);
  }
}

/**
 * Decodes `bytes` as `type`, keeping each field the type does not know in the message's `$unknowns`
 * (protobufjs drops them by default), for inputs that must refuse rather than silently lose a field.
 */
export function decodeKeepingUnknowns<T>(type: { decode(reader: protobuf.Reader): T }, bytes: Uint8Array): T {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  return type.decode(reader);
}

/** The kind of body a decoded record carries, or undefined if it carries none. */
export function bodyKind(record: RecordMessage): BodyKind | undefined {
  return record.body as BodyKind | undefined;
}

/** The body of a decoded record as a `Body`, for re-appending or display. */
export function bodyOf(record: RecordMessage): Body | undefined {
  const kind = bodyKind(record);
  return kind ? ({ [kind]: record[kind] } as Body) : undefined;
}

export function encodeSegment(records: Uint8Array[], seal: fieldproof.v1.Seal.$Properties): Uint8Array {
  return v1.Segment.encode({ records, seal }).finish();
}

/**
 * Frames records as the wire fragment of `Segment.records` (field 1, length-delimited, once per record).
 * Fragments concatenated, followed by sealFragment(), are byte-identical to encodeSegment().
 */
export function recordsFragment(records: Uint8Array[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const record of records) writer.uint32(0x0a).bytes(record);
  return writer.finish();
}

export function sealFragment(seal: fieldproof.v1.Seal.$Properties): Uint8Array {
  return v1.Segment.encode({ seal }).finish();
}

/** The records inside fragments made by recordsFragment(). */
export function recordsOfFragment(fragment: Uint8Array): Uint8Array[] {
  return decodeSegment(fragment).records;
}

export function decodeSegment(bytes: Uint8Array): SegmentMessage {
  try {
    return v1.Segment.decode(bytes);
  } catch (err) {
    throw new DecodeError('segment', err);
  }
}

export function encodeSeal(seal: fieldproof.v1.Seal.$Properties): Uint8Array {
  return v1.Seal.encode(seal).finish();
}

export function decodeSeal(bytes: Uint8Array): SealMessage {
  try {
    return v1.Seal.decode(bytes);
  } catch (err) {
    throw new DecodeError('seal', err);
  }
}

export function encodeAck(ack: fieldproof.v1.Ack.$Properties): Uint8Array {
  return v1.Ack.encode(ack).finish();
}

export function encodeCheckpoint(checkpoint: fieldproof.v1.Checkpoint.$Properties): Uint8Array {
  return v1.Checkpoint.encode(checkpoint).finish();
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointMessage {
  try {
    return v1.Checkpoint.decode(bytes);
  } catch (err) {
    throw new DecodeError('checkpoint', err);
  }
}

export function decodeAck(bytes: Uint8Array): AckMessage {
  try {
    return v1.Ack.decode(bytes);
  } catch (err) {
    throw new DecodeError('ack', err);
  }
}

/**
 * Builds a body of the given kind from JSON (as typed by a user or an API client), with enum names
 * as strings. Throws with the field at fault when the JSON does not fit the schema.
 */
export function bodyFromJson(kind: string, json: unknown): Body {
  const k = normalizeKind(kind);
  if (!k) throw new Error(`unknown record kind "${kind}": expected one of ${BODY_KINDS.join(', ')}`);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${kind}: expected a JSON object, got ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`);
  }
  const type = TYPES[k];
  const camel = camelKeys(json);
  let message: object;
  try {
    message = type.fromObject(camel as Record<string, unknown>);
  } catch (err) {
    throw new Error(`${kind}: ${(err as Error).message}`);
  }
  const problem = type.verify(message as Record<string, unknown>);
  if (problem) throw new Error(`${kind}: ${problem}`);
  rejectUnknownKeys(kind, camel, type.encode(message as never).finish(), type);
  // Infinity, float32 overflow, a negative lux: refused here, so no JSON path (CLI capture included) records them.
  const bad = findOutOfRange(message);
  if (bad) throw new Error(`${kind}: ${bad.path}: ${bad.problem}`);
  return { [k]: message } as Body;
}

/** A record as plain JSON for display: enums by name, 64-bit values as strings, bytes as hex. */
export function recordToJson(record: RecordMessage): Record<string, unknown> {
  return v1.Record.toObject(record, { enums: String, longs: String, bytes: String, defaults: false, oneofs: true }) as Record<string, unknown>;
}

const TYPES: Record<BodyKind, { fromObject(o: Record<string, unknown>): object; verify(o: Record<string, unknown>): string | null; encode(m: never): protobuf.Writer; decode(b: Uint8Array): object; toObject(m: never, o?: protobuf.IConversionOptions): Record<string, unknown> }> = {
  boot: v1.Boot as never, conditions: v1.Conditions as never, handover: v1.Handover as never, decision: v1.Decision as never,
  health: v1.Health as never, marker: v1.Marker as never, gap: v1.Gap as never, keyRotation: v1.KeyRotation as never,
  fork: v1.Fork as never,
};

const typeNames = new Map<unknown, BodyKind>(Object.entries(TYPES).map(([kind, type]) => [type, kind as BodyKind]));

function normalizeKind(kind: string): BodyKind | undefined {
  const camel = kind.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());
  return (BODY_KINDS as readonly string[]).includes(camel) ? (camel as BodyKind) : undefined;
}

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) out[camelKey(key)] = key === 'tags' ? object[key] : camelKeys(object[key]);
  return out;
}

// The same few dozen field names arrive again and again: convert each once (bounded, for hostile input).
const camelCache = new Map<string, string>();
function camelKey(key: string): string {
  if (!key.includes('_')) return key;
  let camel = camelCache.get(key);
  if (camel === undefined) {
    camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camelCache.size >= 1024) camelCache.clear();
    camelCache.set(key, camel);
  }
  return camel;
}

/**
 * fromObject silently drops keys it does not know, maps an unknown enum name to UNSPECIFIED and coerces
 * values (NaN, -1 -> 4294967295, 4.5 -> 4, "false" -> true): a typo must not vanish from evidence.
 * So every given key must survive, and every given value must read back as itself.
 */
function rejectUnknownKeys(kind: string, input: unknown, encoded: Uint8Array, type: (typeof TYPES)[BodyKind]): void {
  const back = type.toObject(type.decode(encoded) as never, FULL_VIEW);
  walkGiven(kind, input, back, probeOf(type, input), '');
}

const FULL_VIEW = { defaults: true, arrays: true, objects: true, enums: String, longs: String, bytes: String };

// The probe depends only on the input's shape: memoized per shape, since a client
// sends the same shape again and again. Bounded, so hostile input cannot grow it.
const probes = new Map<string, unknown>();

/** The input's shape read back: there, an enum field reads as its *_UNSPECIFIED name. */
function probeOf(type: (typeof TYPES)[BodyKind], input: unknown): unknown {
  const shape = shapeOf(input);
  const key = `${typeNames.get(type)}:${JSON.stringify(shape)}`;
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = type.toObject(type.decode(type.encode(type.fromObject(shape as Record<string, unknown>) as never).finish()) as never, FULL_VIEW);
    if (probes.size >= 256) probes.clear();
    probes.set(key, probe);
  }
  return probe;
}

function isEnumName(p: unknown): boolean {
  return typeof p === 'string' && /^[A-Z][A-Z0-9_]*$/.test(p);
}

function survives(given: unknown, known: unknown, p: unknown): boolean {
  if (typeof given === 'number') {
    // An enum number must be a defined value as given: protobufjs truncates 2.5 to 2 and wraps 2^32 to 0.
    if (isEnumName(p)) {
      return typeof known === 'string' && Number.isInteger(given) && given >= -(2 ** 31) && given < 2 ** 31
        && (given === 0 || !known.endsWith('_UNSPECIFIED'));
    }
    if (typeof known === 'number') return known === given || Math.fround(given) === known;
    return typeof known === 'string' && known === String(given);
  }
  if (typeof given === 'string' && typeof known === 'number') {
    const n = given.trim() === '' ? NaN : Number(given);
    return n === known || Math.fround(n) === known;
  }
  return given === known;
}

/** Every key given must exist in what was read back, and every value must read back as itself. */
function walkGiven(kind: string, given: unknown, known: unknown, p: unknown, path: string): void {
  if (given === null || given === undefined) return;
  if (Array.isArray(given)) {
    if (Array.isArray(known)) {
      given.forEach((g, i) => walkGiven(kind, g, known[i], (p as unknown[] | undefined)?.[i], `${path}[${i}]`));
      return;
    }
    // A list is only a single value as the bytes of a bytes field; String(["a","b"]) would store "a,b".
    if (typeof known === 'string' && given.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) && Buffer.from(given).toString('base64') === known) return;
    throw new Error(`${kind}: invalid value for "${path}": a list where the schema has a single value`);
  }
  if (typeof given === 'object') {
    if (known === null || typeof known !== 'object' || Array.isArray(known)) {
      // Only a 64-bit value ({low, high}) or bytes may come as an object; anything else would be stored as "[object Object]".
      const o = given as { low?: unknown; high?: unknown };
      if (typeof known === 'string' && typeof o.low === 'number' && typeof o.high === 'number') return;
      if (typeof known === 'string' && given instanceof Uint8Array && Buffer.from(given).toString('base64') === known) return;
      throw new Error(`${kind}: invalid value for "${path}": an object where the schema has a single value`);
    }
    const object = given as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === null || value === undefined) continue;
      const at = path ? `${path}.${key}` : key;
      // Own keys only: `in` would let "constructor" or "toString" pass as fields through the prototype.
      if (!Object.prototype.hasOwnProperty.call(known, key)) throw new Error(`${kind}: unknown field "${at}"`);
      if (key !== 'tags') walkGiven(kind, value, (known as Record<string, unknown>)[key], (p as Record<string, unknown> | undefined)?.[key], at);
    }
    return;
  }
  if (!survives(given, known, p)) throw new Error(`${kind}: invalid value for "${path}": ${typeof given === 'bigint' ? `${given}n` : JSON.stringify(given)}`);
}

/**
 * The input's shape: every number 0, every string '0000', map values dropped. Enough for the probe (which
 * fields are enums), and the same for every message a client sends, so the probe memo hits.
 */
function shapeOf(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'bigint') return 0;
  // '0000' reads as zero to a 64-bit field and as valid base64 to a bytes field, and is no enum name.
  if (typeof value === 'string') return '0000';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) out[key] = key === 'tags' ? {} : shapeOf(object[key]);
  return out;
}
