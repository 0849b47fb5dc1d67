// Durable before send: with synchronous=NORMAL a commit reaches the WAL file but not the disk, so a
// power cut may roll it back. One fdatasync of the WAL makes every commit so far durable. The outbox's only fsync call.
import { closeSync, fdatasyncSync, openSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;
  /** Highest seq known to be on stable storage. */
  private durable = 0;

  constructor(private readonly dbPath: string, private readonly alwaysDurable: boolean) {}

  /** Records that everything through `seq` is durable already (a FULL-sync commit, or sync: full). */
  markDurable(seq: number): void {
    if (seq > this.durable) this.durable = seq;
  }

  /**
   * Makes every committed record through `head` durable, with one fdatasync of the WAL (or the
   * database file, when there is no WAL), unless it is known to be already. Returns true if it synced.
   */
  ensure(head: number): boolean {
    if (head <= this.durable) return false;
    if (!this.alwaysDurable) {
      // fsync is per file, not per descriptor: syncing our own read-only descriptor flushes SQLite's writes.
      this.fd ??= openExisting(`${this.dbPath}-wal`) ?? openExisting(this.dbPath);
      if (this.fd !== undefined) fdatasyncSync(this.fd);
    }
    this.durable = head;
    return !this.alwaysDurable;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function openExisting(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
