// Counts the outbox's "durable before send" fsyncs during a measurement: wraps one Outbox's makeDurableAsync
// (the uplink's call) to count calls and their wall time, and reads how many fdatasyncs actually ran.
import { execFileSync } from 'node:child_process';
import type { Outbox } from '../../agent/outbox/index.js';

export interface WalSyncCount {
  /** makeDurableAsync calls (one per uplink pump that found unsynced segments to send). */
  calls: number;
  /** fdatasyncs that ran (callers arriving during one share it). */
  syncs: number;
  /** Milliseconds from call to durable, summed: off the event loop (libuv's pool), so capture goes on meanwhile. */
  ms: number;
}

/** Starts counting on `outbox` (the same instance the uplink calls); `stop()` restores it and returns the counts. */
export function countWalSyncs(outbox: Outbox): { read(): WalSyncCount; stop(): WalSyncCount } {
  const original = outbox.makeDurableAsync;
  const firstSyncs = outbox.durabilitySyncs;
  const count = { calls: 0, ms: 0 };
  outbox.makeDurableAsync = async function counted(this: Outbox): Promise<void> {
    const t0 = performance.now();
    count.calls++;
    try {
      await original.call(this);
    } finally {
      count.ms += performance.now() - t0;
    }
  };
  const read = (): WalSyncCount => ({ ...count, syncs: outbox.durabilitySyncs - firstSyncs });
  return {
    read,
    stop() {
      outbox.makeDurableAsync = original;
      return read();
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
