// One agent per outbox: outbox.db.lock, a symlink whose target names the holder (pid and the process's
// start time), made atomically; a lock whose process is gone (or whose pid now is another process) is stale.
import { mkdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { OutboxError } from './errors.js';

// A symlink rather than a file written after an O_EXCL create: one syscall makes it with its contents (no
// window where the lock exists but names nobody), and it needs no data block, so it works on a full disk.

export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat field 22); '' where unknown. */
  start: string;
}

const PREFIX = 'fieldproof-agent';

/** The lock's target text for a holder. Pure. */
export function lockTarget(h: LockHolder): string {
  return `${PREFIX} pid=${h.pid} start=${h.start || '-'}`;
}

/** The holder a lock target names, or undefined for text that is not one. Pure. */
export function parseLockTarget(text: string): LockHolder | undefined {
  const m = /^fieldproof-agent pid=(\d+) start=(\d+|-)$/.exec(text);
  return m ? { pid: Number(m[1]), start: m[2] === '-' ? '' : m[2] } : undefined;
}

/** The start time of process `pid` ('' where /proc is not there), or undefined when no such process runs. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    try {
      process.kill(pid, 0);
      return '';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? '' : undefined;
    }
  }
}

/** Whether the holder is still the running process it names. */
export function holderAlive(h: LockHolder): boolean {
  const start = processStart(h.pid);
  if (start === undefined) return false;
  return h.start === '' || start === '' || start === h.start;
}

export class OutboxLock {
  private constructor(readonly lockPath: string, private readonly target: string) {}

  /** Takes the lock for this process, or throws IN_USE naming the agent that holds it. */
  static acquire(dbPath: string): OutboxLock {
    const lockPath = `${dbPath}.lock`;
    mkdirSync(dirname(dbPath), { recursive: true });
    const target = lockTarget({ pid: process.pid, start: processStart(process.pid) ?? '' });
    for (let attempt = 0; ; attempt++) {
      try {
        symlinkSync(target, lockPath);
        return new OutboxLock(lockPath, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw err;
      }
      const seen = readLock(lockPath);
      if (seen === undefined) continue; // removed meanwhile
      const holder = parseLockTarget(seen);
      if (holder && holderAlive(holder)) {
        const who = holder.pid === process.pid ? `this process (pid ${holder.pid}) already` : `agent pid ${holder.pid}`;
        throw new OutboxError('IN_USE', `${dbPath} is in use by ${who}; stop it first (lock: ${lockPath})`, false);
      }
      if (!holder) {
        throw new OutboxError('IN_USE', `${dbPath}: ${lockPath} exists but does not name an agent ("${seen}"); remove it if no agent uses this outbox`, false);
      }
      // Stale: its process is gone. Remove it only if it is still the one just read, then try again.
      if (readLock(lockPath) === seen) {
        try {
          unlinkSync(lockPath);
        } catch { /* another starter removed it first */ }
      }
    }
  }

  /** Who holds the lock on `dbPath` now, if a live agent does. */
  static holder(dbPath: string): LockHolder | undefined {
    const seen = readLock(`${dbPath}.lock`);
    const holder = seen === undefined ? undefined : parseLockTarget(seen);
    return holder && holderAlive(holder) ? holder : undefined;
  }

  /** Removes the lock if it is still ours. */
  release(): void {
    if (readLock(this.lockPath) !== this.target) return;
    try {
      unlinkSync(this.lockPath);
    } catch { /* already gone */ }
  }
}

function readLock(lockPath: string): string | undefined {
  try {
    return readlinkSync(lockPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') return readFileSync(lockPath, 'utf8').trim(); // a plain file
    throw err;
  }
}
