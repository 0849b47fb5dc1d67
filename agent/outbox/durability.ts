// Durable before send: with synchronous=NORMAL a commit reaches the WAL file but not the disk, so a
// power cut may roll it back. One fdatasync of the WAL makes every commit so far durable. The outbox's only fsync call.
import { closeSync, fdatasync, openSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;
  /** Highest seq known to be on stable storage. */
  private durable = 0;
  /** The sync on libuv's thread pool, if one is running: callers that arrive meanwhile share the next. */
  private running: Promise<void> | undefined;
  private closing = false;
  /** fdatasync calls made, for the benchmarks. */
  syncs = 0;
  /** Bumped when seqs are issued again (a fork): a sync begun before it proves nothing about them. */
  private generation = 0;

  constructor(private readonly dbPath: string, private readonly alwaysDurable: boolean) {}

  /** Highest seq known to be on stable storage. */
  get durableThrough(): number {
    return this.durable;
  }

  /** Seqs above `seq` are being issued anew (a fork re-issues records): they are not known durable. */
  forgetAbove(seq: number): void {
    this.durable = Math.min(this.durable, seq);
    this.generation++;
  }

  /** Records that everything through `seq` is durable already (a FULL-sync commit, or sync: full). */
  markDurable(seq: number): void {
    if (seq > this.durable) this.durable = seq;
  }

  /**
   * Makes every committed record through `head()` durable with one fdatasync of the WAL (or the database
   * file, when there is no WAL), unless it is known to be already. The sync runs on libuv's pool while
   * capture goes on; the records committed meanwhile ride the next one. `head()` is read as the sync starts.
   */
  async ensureAsync(head: () => number): Promise<void> {
    while (this.running) await this.running;
    const target = head();
    if (target <= this.durable) return;
    if (this.alwaysDurable) {
      this.durable = target;
      return;
    }
    const fd = this.descriptor();
    if (fd === undefined) {
      this.durable = target;
      return;
    }
    this.syncs++;
    const generation = this.generation;
    this.running = new Promise<void>((resolve, reject) => fdatasync(fd, (err) => {
      this.running = undefined;
      if (this.closing) this.closeNow();
      if (err) reject(err);
      else {
        if (generation === this.generation) this.durable = Math.max(this.durable, target);
        resolve();
      }
    }));
    await this.running;
  }

  close(): void {
    // A sync still running keeps the descriptor until it completes (closing it under the sync could
    // let the number be reused by another file).
    if (this.running) this.closing = true;
    else this.closeNow();
  }

  private descriptor(): number | undefined {
    // fsync is per file, not per descriptor: syncing our own read-only descriptor flushes SQLite's writes.
    this.fd ??= openExisting(`${this.dbPath}-wal`) ?? openExisting(this.dbPath);
    return this.fd;
  }

  private closeNow(): void {
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
