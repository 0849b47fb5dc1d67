// Finds the first field of an encoded message that the generated type does not know (pure). protobufjs
// skips unknown fields silently; evidence must not lose a field the sender meant, so the API refuses them.

/** A generated message class: what this check needs of it. */
export interface MessageClass {
  decode(bytes: Uint8Array): object;
}

export interface UnknownField {
  /** Where, as a field path of the known parent ("" at the top, "weather", "criteria[0]"). */
  path: string;
  field: number;
  wireType: number;
}

/**
 * Decodes each field of `bytes` on its own: a field the type knows sets a property (or is an explicit
 * default, which decoding may drop); one it does not know sets nothing. Known sub-messages are checked
 * the same way with their own class, so the path of an unknown field is exact.
 */
export function findUnknownField(type: MessageClass, bytes: Uint8Array, path = ''): UnknownField | undefined {
  for (const f of wireFields(bytes)) {
    const single = type.decode(f.whole) as Record<string, unknown>;
    const keys = Object.keys(single).filter((key) => isSet(single[key]));
    if (keys.length === 0) {
      if (isDefault(f)) continue;
      return { path, field: f.field, wireType: f.wireType };
    }
    if (f.wireType !== 2) continue;
    const key = keys[0];
    const value = single[key];
    const child = Array.isArray(value) ? value[0] : value;
    const childClass = messageClassOf(child);
    if (!childClass) continue;
    const at = `${path ? `${path}.` : ''}${key}${Array.isArray(value) ? `[${countBefore(bytes, f)}]` : ''}`;
    const found = findUnknownField(childClass, f.value, at);
    if (found) return found;
  }
  return undefined;
}

interface WireField {
  field: number;
  wireType: number;
  /** Tag and value: a message holding only this field. */
  whole: Uint8Array;
  /** The value's bytes (for wire type 2, without the length). */
  value: Uint8Array;
  start: number;
}

function* wireFields(bytes: Uint8Array): Generator<WireField> {
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const [tag, afterTag] = varint(bytes, at);
    const wireType = tag % 8;
    let valueStart = afterTag;
    let end: number;
    switch (wireType) {
      case 0: end = varint(bytes, afterTag)[1]; break;
      case 1: end = afterTag + 8; break;
      case 2: {
        const [length, afterLength] = varint(bytes, afterTag);
        valueStart = afterLength;
        end = afterLength + length;
        break;
      }
      case 5: end = afterTag + 4; break;
      default:
        // Groups (3, 4) and invalid wire types: nothing in fieldproof.proto uses them.
        yield { field: Math.floor(tag / 8), wireType, whole: bytes.subarray(start, afterTag), value: new Uint8Array(0), start };
        return;
    }
    if (end > bytes.length) return; // the full decode already vouched for the bytes; stop rather than guess
    yield { field: Math.floor(tag / 8), wireType, whole: bytes.subarray(start, end), value: bytes.subarray(valueStart, end), start };
    at = end;
  }
}

function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let shift = 0; at < bytes.length && shift < 64; shift += 7) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  return [value, at];
}

/** proto3 decoders may drop an explicitly encoded default (0, empty): that is no lost data. */
function isDefault(f: WireField): boolean {
  if (f.wireType === 0) return varint(f.value, 0)[0] === 0;
  if (f.wireType === 2) return f.value.length === 0;
  return f.value.every((b) => b === 0);
}

/** Decoded messages hold their repeated fields as [] and maps as {} even when nothing was sent. */
function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.keys(value).length > 0;
  return value !== undefined;
}

function messageClassOf(value: unknown): MessageClass | undefined {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return undefined;
  const ctor = (value as { constructor?: unknown }).constructor as Partial<MessageClass> | undefined;
  return ctor && ctor !== Object && typeof ctor.decode === 'function' ? (ctor as MessageClass) : undefined;
}

/** The index of a repeated element: how many earlier fields share its number. */
function countBefore(bytes: Uint8Array, f: WireField): number {
  let n = 0;
  for (const other of wireFields(bytes)) {
    if (other.start >= f.start) break;
    if (other.field === f.field) n++;
  }
  return n;
}
