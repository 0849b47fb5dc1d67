// The highest seq an outbox may have issued, kept outside SQLite (outbox.db.seq) and reserved in blocks
// before use: when damage rolls the database back (a cut WAL), recovery knows which seqs to skip, never reused.
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

/** Seqs reserved per write: one small fsynced write per this many records. */
export const SEQ_BLOCK = 65_536;
const WIDTH = 40;

export class SeqReservation {
  private known = 0;
  /** After a failed write, the seq from which to try again (not on every record). */
  private retryAt = 0;

  constructor(readonly path: string) {}

  /** The reserved high-water mark on disk (0 when there is none or it cannot be read). */
  read(): number {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return 0;
    }
    try {
      const buffer = Buffer.alloc(WIDTH);
      const n = readSync(fd, buffer, 0, WIDTH, 0);
      const m = /^fieldproof-seq (\d+)\n/.exec(buffer.subarray(0, n).toString('latin1'));
      this.known = Math.max(this.known, m ? Number(m[1]) : 0);
      return m ? Number(m[1]) : 0;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Makes sure seqs up to `seq` are reserved, writing the next block when not. Call inside the write
   * transaction that issues them, so writers in other processes see each other's reservations.
   */
  cover(seq: number): void {
    if (seq <= this.known || seq < this.retryAt || seq <= this.read()) return;
    try {
      this.write(seq + SEQ_BLOCK);
    } catch (err) {
      this.retryAt = seq + 1024;
      throw err;
    }
  }

  /** Sets the mark (only ever raised), e.g. for an outbox rebuilt after damage. */
  write(through: number): void {
    if (through <= this.known && through <= this.read()) return;
    // Fixed width, written in place at offset 0: overwriting needs no new disk space once the file exists.
    const text = Buffer.from(`fieldproof-seq ${String(through).padStart(WIDTH - 16, '0')}\n`, 'latin1');
    const fd = openSync(this.path, 'a+');
    closeSync(fd);
    const rw = openSync(this.path, 'r+');
    try {
      writeSync(rw, text, 0, text.length, 0);
      fsyncSync(rw);
    } finally {
      closeSync(rw);
    }
    this.known = through;
  }
}
