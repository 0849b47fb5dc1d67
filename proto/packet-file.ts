// proto/ for Node only: an evidence packet on disk as the verifier's byte source (ranged reads through one file
// handle, so a packet of any size is checked in flat memory), and telling a packet from an outbox database.
import { open, type FileHandle } from 'node:fs/promises';
import { openPacket, type PacketReader } from './packet/reader.js';
import { looksLikeTar } from './packet/tar-index.js';

export interface PacketFile extends PacketReader {
  close(): Promise<void>;
}

export async function openPacketFile(path: string): Promise<PacketFile> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const reader = await openPacket({
      size,
      read: async (offset, length) => {
        const out = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await handle.read(out, got, length - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return new Uint8Array(out.buffer, out.byteOffset, got);
      },
    });
    return { ...reader, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** 'packet' (a ustar archive), 'sqlite' (an outbox database) or 'unknown', from the file's first 512 bytes. */
export async function sniffFile(path: string): Promise<'packet' | 'sqlite' | 'unknown'> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    const bytes = new Uint8Array(head.buffer, head.byteOffset, bytesRead);
    if (bytesRead >= 16 && head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite';
    return looksLikeTar(bytes) ? 'packet' : 'unknown';
  } finally {
    await handle.close();
  }
}
