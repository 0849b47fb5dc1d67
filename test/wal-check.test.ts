// The raw WAL reader against WAL files SQLite itself wrote: intact, cut in half, cut after a frame header,
// a frame or the header altered, and an older generation left behind a restarted WAL. SQLite's own view agrees.
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectWalFile } from '../agent/outbox/wal-check.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const FRAME = 24 + 4096;

/** A database with `rows` rows committed one per transaction and all still in its WAL; returns copies of both files. */
function walFixture(rows: number): { db: string; wal: string; frames: number } {
  const dir = tempDir();
  const live = join(dir, 'live.db');
  const db = new Database(live);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (n INTEGER, pad BLOB)');
  for (let n = 1; n <= rows; n++) db.prepare('INSERT INTO t VALUES (?, ?)').run(n, Buffer.alloc(3000, n));
  const copy = join(dir, 'copy.db');
  copyFileSync(live, copy);
  copyFileSync(`${live}-wal`, `${copy}-wal`);
  db.close();
  return { db: copy, wal: `${copy}-wal`, frames: (statSync(`${copy}-wal`).size - 32) / FRAME };
}

function rowsSqliteSees(db: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('SELECT count(*) FROM t').pluck().get() as number;
  } finally {
    conn.close();
  }
}

function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at] ^= 0xff;
  writeFileSync(file, bytes);
}

describe('inspectWalFile', () => {
  it('an intact WAL: every frame verifies, the last one commits, nothing to report', () => {
    const { wal, frames } = walFixture(40);
    expect(Number.isInteger(frames)).toBe(true);
    expect(inspectWalFile(wal)).toMatchObject({ pageSize: 4096, validFrames: frames, committedFrames: frames, anomalies: [], notes: [] });
  });

  it('a WAL cut in half: SQLite silently drops the committed rows after the cut; the reader says so', () => {
    const { db, wal } = walFixture(40);
    expect(rowsSqliteSees(db)).toBe(40);
    const { db: cutDb, wal: cutWal } = walFixture(40);
    truncateSync(cutWal, Math.floor(statSync(cutWal).size / 2));
    const report = inspectWalFile(cutWal)!;
    expect(report.anomalies).toHaveLength(1);
    expect(report.anomalies[0].code).toBe('WAL_TORN');
    expect(report.anomalies[0].message).toMatch(/^the WAL ends mid-frame: frame \d+ \(byte \d+\) has \d+ of its 4120 bytes\. The file was cut short; transactions committed after frame \d+ are lost$/);
    // What the anomaly is about: SQLite opens the cut file without a word and has lost rows.
    expect(rowsSqliteSees(cutDb)).toBeLessThan(40);
    expect(inspectWalFile(wal)!.anomalies).toEqual([]);
  });

  it('a WAL ending right after a frame header (a writer stopped between its two writes) is a note, not damage', () => {
    const { wal, frames } = walFixture(10);
    truncateSync(wal, 32 + (frames - 1) * FRAME + 24);
    const report = inspectWalFile(wal)!;
    expect(report.anomalies).toEqual([]);
    expect(report.notes[0]).toMatch(/ends after the header of frame \d+: a writer stopped between a frame's header and its page/);
  });

  it('a changed byte in a frame fails its checksum: SQLite ignores that frame and all after it', () => {
    const { db, wal, frames } = walFixture(20);
    flipByte(wal, 32 + 5 * FRAME + 24 + 100); // inside frame 6's page
    const report = inspectWalFile(wal)!;
    expect(report.validFrames).toBe(5);
    expect(report.anomalies).toEqual([{ code: 'WAL_CHECKSUM', message: `WAL frame 6 (byte ${32 + 5 * FRAME}) fails its checksum: SQLite ignores it and the ${frames - 6} whole frames after it, so transactions committed there are lost` }]);
    expect(rowsSqliteSees(db)).toBeLessThan(20);
  });

  it('a changed byte in the header: SQLite ignores the whole WAL', () => {
    const { wal } = walFixture(5);
    flipByte(wal, 20); // salt-2
    expect(inspectWalFile(wal)!.anomalies[0]).toMatchObject({ code: 'WAL_HEADER', message: expect.stringContaining('fails its checksum') });
  });

  it('frames of an older generation behind a restarted WAL are not damage', () => {
    const dir = tempDir();
    const file = join(dir, 'r.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (n INTEGER, pad BLOB)');
    for (let n = 1; n <= 30; n++) db.prepare('INSERT INTO t VALUES (?, ?)').run(n, Buffer.alloc(3000, n));
    db.pragma('wal_checkpoint(PASSIVE)');
    db.prepare('INSERT INTO t VALUES (?, ?)').run(31, Buffer.alloc(3000, 31)); // restarts the WAL from its start
    const report = inspectWalFile(`${file}-wal`)!;
    db.close();
    expect(report.validFrames).toBeGreaterThan(0);
    expect(report.validFrames).toBeLessThan((report.bytes - 32) / FRAME);
    expect(report.anomalies).toEqual([]);
  });

  it('no WAL file: nothing to inspect', () => {
    expect(inspectWalFile(join(tempDir(), 'none.db-wal'))).toBeUndefined();
  });
});
