// Canonical JSON: the one serialisation of a value, so a packet's JSON files can be rebuilt byte for byte.
// Members sorted by key (UTF-16 code units, as RFC 8785), no whitespace, ECMAScript number and string forms. Pure.

/** Canonical JSON text of `value`. Undefined members are left out; a non-finite number is written null (as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      return `{${Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
    default:
      throw new Error(`canonical JSON has no form for a ${typeof value}`);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 bytes as text; throws on malformed UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** A value's canonical JSON as UTF-8 bytes (what a packet stores). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
