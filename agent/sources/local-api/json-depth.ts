// How deep a JSON line nests, found from its bytes before JSON.parse: a line nested thousands deep is refused
// before any recursive walk over the parsed value (camelKeys, fromObject) can run out of stack. Pure.

/** Deepest nesting a request may have; no fieldproof request nests more than 5 (envelope, body, group, list, item). */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when `bytes` has more than `limit` arrays and objects open at once (brackets inside strings do not count). */
export function nestsDeeperThan(bytes: Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Fast path (native memchr): with at most `limit` opening brackets anywhere, the depth cannot exceed it.
  if (!moreOpenersThan(buf, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === BACKSLASH) i++; // the escaped byte, a quote included
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

function moreOpenersThan(buf: Buffer, limit: number): boolean {
  let n = 0;
  for (const opener of [OPEN_OBJECT, OPEN_ARRAY]) {
    for (let at = buf.indexOf(opener); at !== -1; at = buf.indexOf(opener, at + 1)) if (++n > limit) return true;
  }
  return false;
}
