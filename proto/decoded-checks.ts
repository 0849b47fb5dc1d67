// What a decoded message can hide from the generated verify() (pure): fields its type did not know, kept
// aside in `$unknowns` (see decodeKeepingUnknowns), enum numbers its enum does not define (proto3 enums are
// open), NaN, and numbers outside their field's range (field-ranges.ts), Infinity included.
import { FIELD_RANGES, rangeProblem, type FieldRange } from './field-ranges.js';
import { fieldproof } from './generated/fieldproof.js';

export interface UnknownField {
  /** Where, as a field path of the known parent ("" at the top, "weather", "criteria[0]"). */
  path: string;
  field: number;
  wireType: number;
}

/** The first field, in `message` or any sub-message, that its type did not know, parents first. */
export function findUnknownField(message: object): UnknownField | undefined {
  return firstInTree(message, '', (m, path) => {
    const unknowns = (m as { $unknowns?: Uint8Array[] }).$unknowns;
    if (!unknowns?.length) return undefined;
    const tag = varint(unknowns[0]);
    return { path, field: Math.floor(tag / 8), wireType: tag % 8 };
  });
}

/** An enum field holding a number its enum does not define. */
export interface UndefinedEnum {
  /** "weather.precipitation", "criteria[1].comparator". */
  path: string;
  value: number;
}

/** The first enum field, in `message` or any sub-message, holding a number its enum does not define. */
export function findUndefinedEnum(message: object): UndefinedEnum | undefined {
  return firstInTree(message, '', (m, path, type) => {
    const own = m as Record<string, unknown>;
    for (const field of enumFieldsOf(type)) {
      const value = own[field];
      if (!Object.prototype.hasOwnProperty.call(own, field) || typeof value !== 'number') continue;
      // toObject names a defined number and passes an undefined one through as the number.
      if (typeof type.toObject({ [field]: value }, { enums: String })[field] !== 'string') return { path: join(path, field), value };
    }
    return undefined;
  });
}

/**
 * The path of the first float or double field, in `message` or any sub-message, holding NaN: a value the
 * wire can carry but JSON cannot, and which compares unequal to itself in every check downstream.
 */
export function findNaN(message: object): string | undefined {
  return firstInTree(message, '', (m, path) => {
    const own = m as Record<string, unknown>;
    for (const key of Object.keys(own)) if (Number.isNaN(own[key])) return join(path, key);
    return undefined;
  });
}

/** A number its field cannot hold, named by its .proto path. */
export interface OutOfRange {
  /** "lighting.lux", "measurements[1].value": the .proto's field names. */
  path: string;
  /** "expected a finite number >= 0, got Infinity". */
  problem: string;
}

/**
 * The first float or double field, in `message` or any sub-message, that is not finite, is beyond float32
 * for a float field, or is outside its physical range (FIELD_RANGES). Works on a decoded message and on
 * one built by fromObject (JSON input), where a float field may still hold a number no float32 can.
 */
export function findOutOfRange(message: object): OutOfRange | undefined {
  const type = classOf(message);
  const found = type && outOfRange(message as Record<string, unknown>, type);
  return found && { path: found.path.reverse().join('').replace(/^\./, ''), problem: found.problem };
}

/** On every request, so without building paths or names until something is wrong: the path comes back reversed. */
function outOfRange(message: Record<string, unknown>, type: MessageClass): { path: string[]; problem: string } | undefined {
  const ranges = rangesOf(type);
  for (const key of Object.keys(message)) {
    const value = message[key];
    if (typeof value === 'number') {
      const problem = rangeProblem(ranges.get(key), value);
      if (problem) return { path: [`.${snakeCase(key)}`], problem };
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i] as Record<string, unknown>;
        const itemType = classOf(item);
        const found = itemType && outOfRange(item, itemType);
        if (found) return { path: [...found.path, `[${i}]`, `.${snakeCase(key)}`], problem: found.problem };
        if (typeof item === 'number') {
          const problem = rangeProblem(ranges.get(key), item);
          if (problem) return { path: [`[${i}]`, `.${snakeCase(key)}`], problem };
        }
      }
    } else {
      const childType = classOf(value);
      const found = childType && outOfRange(value as Record<string, unknown>, childType);
      if (found) return { path: [...found.path, `.${snakeCase(key)}`], problem: found.problem };
    }
  }
  return undefined;
}

/** The float and double fields of a message class, by decoded property name, from FIELD_RANGES. */
const rangesByType = new Map<MessageClass, Map<string, FieldRange>>();

function rangesOf(type: MessageClass): Map<string, FieldRange> {
  let ranges = rangesByType.get(type);
  if (!ranges) {
    const prefix = `${messageNames.get(type)}.`;
    ranges = new Map(Object.entries(FIELD_RANGES).filter(([key]) => key.startsWith(prefix)).map(([key, range]) => [camelCase(key.slice(prefix.length)), range]));
    rangesByType.set(type, ranges);
  }
  return ranges;
}

interface MessageClass {
  new (): object;
  toObject(message: object, options: { defaults?: boolean; enums?: StringConstructor }): Record<string, unknown>;
}

/** Calls `visit` on `message` and then on each sub-message (singular or repeated); the first answer wins. */
function firstInTree<T>(message: object, path: string, visit: (m: object, path: string, type: MessageClass) => T | undefined): T | undefined {
  const type = classOf(message);
  if (!type) return undefined;
  const here = visit(message, path, type);
  if (here !== undefined) return here;
  const own = message as Record<string, unknown>;
  for (const key of Object.keys(own)) {
    const value = own[key];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = classOf(value[i]) ? firstInTree(value[i] as object, `${join(path, key)}[${i}]`, visit) : undefined;
        if (found !== undefined) return found;
      }
    } else if (classOf(value)) {
      const found = firstInTree(value as object, join(path, key), visit);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Each generated message class by its .proto name ("Weather"), for the range table. */
const messageNames = new Map<unknown, string>(
  Object.entries(fieldproof.v1).filter(([, value]) => typeof value === 'function').map(([name, value]) => [value, name]),
);

/** A decoded property name back to the .proto's: precipitationMmH -> precipitation_mm_h, windSpeedMS -> wind_speed_m_s. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A .proto field name as protobufjs names the property: precipitation_mm_h -> precipitationMmH. */
function camelCase(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Which fields of a message class are enums: with defaults, each reads as its *_UNSPECIFIED name. */
const enumFields = new Map<MessageClass, string[]>();

function enumFieldsOf(type: MessageClass): string[] {
  let fields = enumFields.get(type);
  if (!fields) {
    const defaults = type.toObject(new type(), { defaults: true, enums: String });
    fields = Object.keys(defaults).filter((key) => typeof defaults[key] === 'string' && /^[A-Z][A-Z0-9_]*_UNSPECIFIED$/.test(defaults[key] as string));
    enumFields.set(type, fields);
  }
  return fields;
}

/** The generated class of a decoded message; undefined for plain objects (maps), bytes and 64-bit Longs. */
function classOf(value: unknown): MessageClass | undefined {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return undefined;
  const ctor = (value as { constructor?: Partial<MessageClass> & { decode?: unknown } }).constructor;
  return ctor && ctor !== Object && typeof ctor.decode === 'function' && typeof ctor.toObject === 'function' ? (ctor as MessageClass) : undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The tag at the start of an unknown field's bytes. */
function varint(bytes: Uint8Array): number {
  let value = 0;
  for (let at = 0, shift = 0; at < bytes.length && shift < 64; shift += 7) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  return value;
}
