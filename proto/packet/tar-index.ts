// Reads where each file of a POSIX ustar archive lies, from 512-byte headers alone, through ranged reads:
// a packet of any size is indexed without reading its contents, in Node (a file) and a browser (a Blob). Pure.

/** Random access to the archive's bytes. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface TarEntry {
  name: string;
  /** Where the file's bytes start in the archive. */
  offset: number;
  size: number;
}

export interface TarIndex {
  entries: TarEntry[];
  /** What is wrong with the archive itself (a bad header, an entry cut short); empty for a sound one. */
  problems: string[];
}

const BLOCK = 512;
/** "ustar\0" then version "00", at byte 257 of every header. */
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00, 0x30, 0x30];
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A byte source over bytes in memory (tests; a browser's ArrayBuffer). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

/** True when the first block is a ustar header (magic "ustar" at byte 257). */
export function looksLikeTar(firstBlock: Uint8Array): boolean {
  return firstBlock.length >= 262 && text(firstBlock, 257, 5) === 'ustar';
}

export async function indexTar(src: ByteSource): Promise<TarIndex> {
  const entries: TarEntry[] = [];
  const problems: string[] = [];
  let at = 0;
  for (;;) {
    if (at + BLOCK > src.size) {
      problems.push(at === src.size ? `the archive ends at byte ${at} without its end-of-archive blocks: cut short?` : `the archive ends inside a header at byte ${at}: cut short`);
      break;
    }
    const header = await src.read(at, BLOCK);
    if (header.every((b) => b === 0)) break;
    const checked = checksumOk(header);
    if (!checked) {
      problems.push(`bad tar header checksum at byte ${at}: not a packet, or damaged`);
      break;
    }
    if (!USTAR.every((b, i) => header[257 + i] === b)) {
      problems.push(`header at byte ${at} is not POSIX ustar (magic "ustar\\0", version "00")`);
      break;
    }
    const size = octal(header, 124, 12);
    if (size === undefined) {
      problems.push(`header at byte ${at}: size field is not an octal number`);
      break;
    }
    let name: string;
    try {
      const base = text(header, 0, 100);
      const prefix = text(header, 345, 155);
      name = prefix ? `${prefix}/${base}` : base;
    } catch {
      problems.push(`header at byte ${at}: the name is not UTF-8`);
      break;
    }
    const type = header[156];
    const dataAt = at + BLOCK;
    if (dataAt + size > src.size) {
      problems.push(`"${name}" declares ${size} bytes but the archive ends ${src.size - dataAt} bytes into it: cut short`);
      break;
    }
    if (type === 0x30 || type === 0) entries.push({ name, offset: dataAt, size });
    else problems.push(`"${name}" is not a regular file (tar type "${String.fromCharCode(type)}"); a packet holds regular files only`);
    at = dataAt + Math.ceil(size / BLOCK) * BLOCK;
  }
  return { entries, problems };
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return octal(header, 148, 8) === sum;
}

/** A NUL- or space-terminated octal field. */
function octal(bytes: Uint8Array, at: number, length: number): number | undefined {
  const s = text(bytes, at, length).trim();
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : undefined;
}

/** A NUL-terminated field as text. */
function text(bytes: Uint8Array, at: number, length: number): string {
  const field = bytes.subarray(at, at + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}
