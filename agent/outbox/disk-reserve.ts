// Disk space set aside beside the outbox (outbox.db.reserve): a file of written zeros, released when the
// disk fills so critical records and ack bookkeeping still commit, and grown back once space returns.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, statfsSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const BLOCK = 64 * 1024;

export class DiskReserve {
  /** `bytes`: the size to hold; 0 holds nothing (the file is only released if some other process made it). */
  constructor(readonly path: string, readonly bytes: number) {}

  /** Bytes the file holds now (0 when it does not exist). */
  size(): number {
    try {
      const fd = openSync(this.path, 'r');
      try {
        return fstatSync(fd).size;
      } finally {
        closeSync(fd);
      }
    } catch {
      return 0;
    }
  }

  get held(): boolean {
    return this.bytes > 0 && this.size() >= this.bytes;
  }

  /**
   * Grows the file to `bytes` by writing zeros (never a sparse file: the blocks must really be taken).
   * Returns false when the disk had no room for all of it; what was written stays held.
   */
  grow(): boolean {
    if (this.bytes <= 0) return true;
    const fd = openSync(this.path, 'a');
    try {
      let at = fstatSync(fd).size;
      const zeros = Buffer.alloc(BLOCK);
      while (at < this.bytes) {
        const n = Math.min(BLOCK, this.bytes - at);
        try {
          at += writeSync(fd, zeros, 0, n);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return false;
          throw err;
        }
      }
      fsyncSync(fd);
      return true;
    } finally {
      closeSync(fd);
    }
  }

  /** Gives the reserve back to the file system down to `keep` bytes. True when it freed anything. */
  release(keep = 0): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r+');
    } catch {
      return false;
    }
    try {
      if (fstatSync(fd).size <= keep) return false;
      ftruncateSync(fd, keep);
      return true;
    } finally {
      closeSync(fd);
    }
  }
}

/** Bytes an unprivileged writer can still allocate on the file system holding `path`. */
export function freeBytes(path: string): number {
  const s = statfsSync(dirname(path));
  return s.bavail * s.bsize;
}
