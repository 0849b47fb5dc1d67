// Temporary directories under os.tmpdir() for benchmark files, removed when a benchmark ends
// and on Ctrl-C, so an interrupted run leaves nothing behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();

export function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fieldproof-bench-${label}-`));
  live.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

export function removeAllTempDirs(): void {
  for (const dir of [...live]) removeTempDir(dir);
}
