// A small real file system that really fills up: a tmpfs mounted for a test (needs root), unmounted after.
// Where mount is not permitted the tests skip with the reason printed, or fail with FIELDPROOF_REQUIRE_SERVICES=1.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';

const mounted: string[] = [];

/** Mounts a tmpfs of `size` (e.g. '8m') at `dir`; false (reason printed) when this machine does not allow it. */
export function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    mounted.push(dir);
    return true;
  } catch (err) {
    const why = `cannot mount a tmpfs at ${dir}: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`;
    if (['1', 'true', 'yes'].includes((process.env.FIELDPROOF_REQUIRE_SERVICES ?? '').toLowerCase())) {
      throw new Error(`${why}, and FIELDPROOF_REQUIRE_SERVICES=1 says full-disk tests must run: run them as root (or with CAP_SYS_ADMIN)`);
    }
    process.stderr.write(`skipping full-disk tests: ${why} (set FIELDPROOF_REQUIRE_SERVICES=1 to make this a failure)\n`);
    return false;
  }
}

/** Unmounts what mountTmpfs mounted (lazily, so a straggling child process cannot keep it busy). */
export function unmountAll(): void {
  for (const dir of mounted.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch { /* already gone */ }
  }
}

/** Writes `file` until the file system has no byte left (what other software on a full disk does). */
export function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = block.length; size >= 1; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          if (writeSync(fd, block, 0, size) < size) break;
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}
