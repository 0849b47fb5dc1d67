// Counts the outbox's "durable before send" fsyncs during a measurement: wraps one Outbox's makeDurable (which
// returns true when it ran an fdatasync of the WAL) to count calls, syncs and the time they block the event loop.
import { execFileSync } from 'node:child_process';
import type { Outbox } from '../../agent/outbox/index.js';

export interface WalSyncCount {
  /** makeDurable calls (one per uplink pump that found something to send). */
  calls: number;
  /** Calls that ran an fdatasync (the rest found everything durable already). */
  syncs: number;
  /** Milliseconds spent inside makeDurable, synchronous, so the agent's event loop stood still that long. */
  ms: number;
}

/** Starts counting on `outbox` (the same instance the uplink calls); `stop()` restores it and returns the counts. */
export function countWalSyncs(outbox: Outbox): { read(): WalSyncCount; stop(): WalSyncCount } {
  const original = outbox.makeDurable;
  const count: WalSyncCount = { calls: 0, syncs: 0, ms: 0 };
  outbox.makeDurable = function counted(this: Outbox): boolean {
    const t0 = performance.now();
    const synced = original.call(this);
    count.ms += performance.now() - t0;
    count.calls++;
    if (synced) count.syncs++;
    return synced;
  };
  return {
    read: () => ({ ...count }),
    stop() {
      outbox.makeDurable = original;
      return { ...count };
    },
  };
}

/** The file system type under `dir` (`stat -f`), for notes: on tmpfs an fdatasync costs nothing. */
export function fileSystemOf(dir: string): string {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown file system';
  }
}
