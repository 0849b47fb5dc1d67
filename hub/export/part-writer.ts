// Splits a stream of items (segment frames, JSON lines) into packet parts of at most PART_BYTES, never inside an
// item, and hands each full part to the archive with its size and SHA-256. Holds at most one part in memory.
import { partName, PART_BYTES } from '../../proto/packet/index.js';

export class PartWriter {
  private pieces: Uint8Array[] = [];
  private size = 0;
  private parts = 0;

  constructor(private readonly base: string, private readonly ext: string, private readonly add: (name: string, bytes: Uint8Array) => Promise<void>) {}

  /** One item, given as pieces that stay together in one part. */
  async push(...pieces: Uint8Array[]): Promise<void> {
    const length = pieces.reduce((n, p) => n + p.length, 0);
    if (this.size > 0 && this.size + length > PART_BYTES) await this.flush();
    this.pieces.push(...pieces);
    this.size += length;
  }

  /** Writes what is left; returns how many parts were written. */
  async close(): Promise<number> {
    if (this.size > 0) await this.flush();
    return this.parts;
  }

  private async flush(): Promise<void> {
    const part = Buffer.concat(this.pieces, this.size);
    this.pieces = [];
    this.size = 0;
    await this.add(partName(this.base, ++this.parts, this.ext), part);
  }
}
