// What the outbox does when the disk under it fills before its quota: keeps free database pages ahead of each
// commit by evicting the oldest bulk (with a Gap), refuses bulk past that, and gives up the reserve to the rest.
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

/**
 * Free database pages a commit of `recordBytes` needs on a full disk: its records, their chunk, segment and
 * index rows (a critical record's seal row is larger than the record), and a few pages of b-tree splits.
 */
export function pagesNeeded(recordBytes: number, pageSize: number): number {
  return Math.ceil((3 * recordBytes) / pageSize) + 16;
}

export class DiskGuard {
  /** Set by SQLITE_FULL, cleared once the file system has room again: commits then keep free pages ahead. */
  private full = false;
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

  get diskFull(): boolean {
    return this.full;
  }

  /**
   * Free database pages bulk must leave for critical records and acks: the reserve's worth while its file is
   * given up (those pages are then all the room they have), nothing while the file holds it.
   */
  headroomPages(pageSize: number): number {
    return this.reserve.bytes > 0 && !this.reserve.held ? Math.ceil(this.reserve.bytes / pageSize) : 0;
  }

  /**
   * A write failed with the disk full. First a checkpoint (the WAL then restarts and reuses its own
   * space), then as much of the reserve as `tier` may use, then nothing.
   */
  onFull(attempt: number, tier: ReserveTier): FullStep | undefined {
    this.full = true;
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
   * leaves disk-full mode once there is room beyond the reserve. Returns what changed.
   */
  sweep(shrink: (bytes: number) => void = () => {}): 'regrown' | 'cleared' | undefined {
    if (!this.owner || (!this.full && (this.reserve.bytes <= 0 || this.reserve.held))) return undefined;
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
    if (this.full && free >= Math.max(this.reserve.bytes, 1 << 20)) {
      this.full = false;
      return 'cleared';
    }
    return undefined;
  }
}
