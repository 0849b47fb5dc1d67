// A packet as the verifier reads it: its files by name, through ranged reads of the archive, so Node (a file
// handle) and a browser (a File or Blob) supply the same thing. Pure.
import { indexTar, type ByteSource, type TarEntry } from './tar-index.js';

export interface PacketReader {
  /** Every file of the archive, in archive order (a name twice is kept twice). */
  readonly entries: readonly TarEntry[];
  /** What is wrong with the archive itself (bad header, cut short). */
  readonly problems: readonly string[];
  read(entry: TarEntry): Promise<Uint8Array>;
}

export async function openPacket(src: ByteSource): Promise<PacketReader> {
  const { entries, problems } = await indexTar(src);
  return { entries, problems, read: (e) => src.read(e.offset, e.size) };
}

/** A byte source over a browser File or Blob (Blob.slice + arrayBuffer): what the reviewer page passes. */
export function blobSource(blob: { size: number; slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> } }): ByteSource {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) };
}
