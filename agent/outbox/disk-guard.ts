// What the outbox does when the disk under it fills before its quota: learns how many record bytes the disk
// holds, keeps bulk below that (oldest evicted first, with a Gap), and gives up the reserve to everything else.
import { DiskReserve, freeBytes } from './disk-reserve.js';

/** What to try after SQLITE_FULL, in this order; undefined: nothing left, the write fails with DISK_FULL. */
export type FullStep = 'checkpoint' | 'release';

/**
 * Who may use the reserve. 'records' (every record, and sealing): its first half. 'bookkeeping' (the hub's
 * acks, and the one Boot record of a start): all of it, so that no amount of unacknowledged critical records
 * can leave the agent unable to record the ack that frees them. 'none' (send counts): nothing.
 */
export type ReserveTier = 'records' | 'bookkeeping' | 'none';

/** Below this many times the reserve free on the file system, the WAL is kept small (see lowSpace). */
export const LOW_SPACE_FACTOR = 16;

export class DiskGuard {
  /** Record bytes stored when the disk was last seen full: bulk is held below it. */
  private limit: number | undefined;
  /**
   * Space is low: the WAL must stay small. A checkpoint moves the WAL's pages into the database, which
   * grows by up to the WAL's size: on a full disk only the reserve can give that, so the WAL must not
   * outgrow it (measured: 7 MB of WAL against a 1 MB reserve on an 8 MB disk, and nothing could commit).
   */
  lowSpace = false;

  /**
   * `owner`: this process grows the reserve back (the agent); others only release it in need.
   * `free`: bytes free on the file system (injected for tests).
   */
  constructor(readonly reserve: DiskReserve, private readonly owner: boolean, private readonly free: () => number = () => freeBytes(reserve.path)) {}

  /** The record bytes bulk may fill: Infinity until the disk has been full; less the reserve while it is given up. */
  bulkLimit(): number {
    if (this.limit === undefined) return Infinity;
    if (this.reserve.bytes <= 0 || this.reserve.held) return this.limit;
    // The reserve's file is gone: keep its worth free inside the database for critical records and acks.
    return Math.max(0, this.limit - this.reserve.bytes);
  }

  get diskFull(): boolean {
    return this.limit !== undefined;
  }

  /**
   * A write failed with the disk full while `bytesTotal` record bytes were stored. First a checkpoint (the
   * WAL then restarts and reuses its own space), then the reserve (when `mayRelease`), then nothing.
   */
  onFull(attempt: number, bytesTotal: number, tier: ReserveTier): FullStep | undefined {
    this.limit = Math.min(this.limit ?? Infinity, bytesTotal);
    if (attempt === 0) return 'checkpoint';
    if (tier === 'none' || attempt > 2) return undefined;
    const keep = tier === 'records' ? Math.floor(this.reserve.bytes / 2) : 0;
    // Some other process may have made the file: release it too, whatever this process was told.
    if (this.reserve.release(this.reserve.bytes > 0 ? keep : 0)) return 'release';
    return undefined;
  }

  /** Re-reads the free space; returns the new lowSpace when it changed. */
  checkLowSpace(): boolean | undefined {
    if (!this.owner || this.reserve.bytes <= 0) return undefined;
    const low = this.free() < LOW_SPACE_FACTOR * this.reserve.bytes;
    if (low === this.lowSpace) return undefined;
    this.lowSpace = low;
    return low;
  }

  /** WAL pages after which SQLite checkpoints at commit while space is low: a quarter of the reserve. */
  walPagesWhenLow(pageSize: number): number {
    return Math.max(8, Math.floor(this.reserve.bytes / 4 / pageSize));
  }

  /**
   * Housekeeping: grows the reserve back once the file system has room for what is missing twice over
   * (first asking `shrink` to hand free database pages back to it: acknowledged records leave them), then
   * lifts the bulk limit once there is room beyond the reserve. Returns what changed.
   */
  sweep(shrink: (bytes: number) => void = () => {}): 'regrown' | 'cleared' | undefined {
    if (!this.owner || (this.limit === undefined && (this.reserve.bytes <= 0 || this.reserve.held))) return undefined;
    let free = this.free();
    if (this.reserve.bytes > 0 && !this.reserve.held) {
      const missing = this.reserve.bytes - this.reserve.size();
      if (free < 2 * missing) {
        shrink(2 * missing - free);
        free = this.free();
      }
      if (free < 2 * missing || !this.reserve.grow()) return undefined;
      return 'regrown';
    }
    if (this.limit !== undefined && free >= Math.max(this.reserve.bytes, 1 << 20)) {
      this.limit = undefined;
      return 'cleared';
    }
    return undefined;
  }
}
