// What a decoded message can hide from the generated verify() (pure): fields its type did not know, kept
// aside in `$unknowns` (see decodeKeepingUnknowns), enum numbers its enum does not define (proto3 enums are
// open), and NaN.

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
