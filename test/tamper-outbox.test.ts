// Tampering with an outbox file behind the agent's back (better-sqlite3 directly), then `fieldproof verify FILE`
// as a child process: exit 1 naming the exact seq for altered, deleted, swapped or resealed records; 0 when clean.
import Database from 'better-sqlite3';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { openOutboxDatabase } from '../agent/outbox/database.js';
import { verifyOutbox } from '../agent/outbox/index.js';
import { createSeal, decodeSeal, encodeSeal, recordsFragment, recordsOfFragment, sha256, type DeviceKey } from '../proto/index.js';
import { bulkBody, criticalBody } from './helpers/bodies.js';
import { runCli } from './helpers/cli.js';
import { flipped } from './helpers/chain-builder.js';
import { testKey, writeTestKey } from './helpers/keys.js';
import { DEVICE, openTestOutbox } from './helpers/outbox.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
// `fieldproof verify` runs as a child process (seconds of module loading each): generous time, no timing asserted.
vi.setConfig({ testTimeout: 120_000 });
const key = await testKey(1);
const otherKey = await testKey(2);
let cleanFile: string;
let pubFile: string;

/**
 * The clean outbox: seq 1..10 in bulk segments [1..5] [6..10] (one chunk each), a handover at 11 sealed
 * alone, and bulk 12..13 unsealed in one chunk.
 */
beforeAll(async () => {
  const dir = tempDir();
  ({ pubFile } = await writeTestKey(join(dir, 'keys'), key));
  const outbox = await openTestOutbox(dir, { key, sealMaxRecords: 5 });
  await Promise.all(Array.from({ length: 10 }, (_, i) => outbox.append(bulkBody(i + 1))));
  await outbox.append(criticalBody(0));
  await Promise.all([outbox.append(bulkBody(12)), outbox.append(bulkBody(13))]);
  outbox.close();
  cleanFile = join(dir, 'outbox.db');
});

/** A copy of the clean outbox, changed by `tamper` through a plain SQLite connection. */
function tampered(tamper: (db: Database.Database) => void): string {
  const file = join(tempDir(), 'outbox.db');
  copyFileSync(cleanFile, file);
  const db = new Database(file);
  try {
    db.transaction(() => tamper(db))();
  } finally {
    db.close();
  }
  return file;
}

/** Re-frames the records of the chunk starting at `firstSeq`, changes them, and writes the chunk back. */
function rewriteChunk(db: Database.Database, firstSeq: number, change: (records: Uint8Array[]) => Uint8Array[]): void {
  const data = db.prepare('SELECT data FROM chunks WHERE first_seq = ?').pluck().get(firstSeq) as Uint8Array;
  const records = recordsOfFragment(data).map((r) => new Uint8Array(r));
  db.prepare('UPDATE chunks SET data = ? WHERE first_seq = ?').run(recordsFragment(change(records)), firstSeq);
}

function resealWith(db: Database.Database, lastSeq: number, by: DeviceKey, keyId = by.keyId): void {
  const seal = decodeSeal(db.prepare('SELECT seal FROM segments WHERE last_seq = ?').pluck().get(lastSeq) as Uint8Array);
  const forged = createSeal({ deviceId: seal.deviceId, keyId, firstSeq: Number(seal.firstSeq), lastSeq: Number(seal.lastSeq), lastHash: seal.lastHash }, by.secretKey);
  db.prepare('UPDATE segments SET seal = ? WHERE last_seq = ?').run(encodeSeal(forged), lastSeq);
}

const swap = (a: number, b: number) => (records: Uint8Array[]) => {
  const out = records.slice();
  [out[a], out[b]] = [out[b], out[a]];
  return out;
};

describe('the clean outbox', () => {
  it('verifies in-process and with `fieldproof verify` (exit 0)', async () => {
    const db = openOutboxDatabase(cleanFile, { readonly: true });
    expect(verifyOutbox(db)).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 13, records: 13, segments: 3, unsealed: 2, deviceId: DEVICE });
    db.close();
    const result = await runCli(['verify', cleanFile, '--pubkey', pubFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`device ${DEVICE}, 13 records (seq 1..13) in 3 sealed segments, 2 unsealed`);
    expect(result.stdout).toContain(`trusted key(s) ${key.keyId}`);
    expect(result.stdout).toContain('OK: every seal verifies, every link holds, every missing seq is accounted for');
  });
});

/** What verifyOutbox (the code behind `fieldproof verify`) reports for a file, in-process. */
function verifyFile(file: string) {
  const db = openOutboxDatabase(file, { readonly: true });
  try {
    return verifyOutbox(db);
  } finally {
    db.close();
  }
}

// [what, first bad seq, code, words of the message, tamper, also run the CLI]
const cases: [string, number, string, string, () => string, boolean][] = [
  ['a flipped byte inside record 7', 7, 'BAD_HASH', 'does not match seq 8\'s prev_hash', () => tampered((db) => rewriteChunk(db, 6, (r) => {
    r[1] = flipped(r[1], r[1].length - 2);
    return r;
  })), true],
  ['a flipped byte in the last record of a segment (10)', 10, 'BAD_HASH', 'does not match the sealed last hash', () => tampered((db) => rewriteChunk(db, 6, (r) => {
    r[4] = flipped(r[4], 20);
    return r;
  })), false],
  ['a flipped byte in the prev_hash of unsealed record 13', 13, 'BROKEN_LINK', 'prev_hash', () => tampered((db) => rewriteChunk(db, 12, (r) => {
    r[1] = flipped(r[1], Buffer.from(r[1]).indexOf(Buffer.from(sha256(r[0]))) + 3); // inside its prev_hash
    return r;
  })), false],
  ['a record (8) dropped from its chunk', 8, 'SEAL_RANGE', 'seq 8 is missing', () => tampered((db) => rewriteChunk(db, 6, (r) => r.filter((_, i) => i !== 2))), false],
  ['a deleted chunk (6..10, its seal kept)', 6, 'SEAL_RANGE', 'seal covers seq 6..10 but the segment holds 0 records', () => tampered((db) => {
    db.prepare('DELETE FROM chunks WHERE first_seq = 6').run();
  }), true],
  ['a deleted chunk and its segment (6..10)', 6, 'UNEXPLAINED_GAP', 'seq 6..10 missing and no Gap record accounts for them', () => tampered((db) => {
    db.prepare('DELETE FROM chunks WHERE first_seq = 6').run();
    db.prepare('DELETE FROM segments WHERE first_seq = 6').run();
  }), false],
  ['records 7 and 8 swapped', 7, 'BAD_HASH', 'out of place', () => tampered((db) => rewriteChunk(db, 6, swap(1, 2))), true],
  ['records 2 and 4 swapped', 2, 'BAD_HASH', 'out of place', () => tampered((db) => rewriteChunk(db, 1, swap(1, 3))), false],
  ['a seal replaced with one from another key (6..10)', 6, 'UNKNOWN_KEY', `uses key ${otherKey.keyId}, which is not trusted`, () => tampered((db) => resealWith(db, 10, otherKey)), true],
  ['a seal forged by another key under our key id (11)', 11, 'BAD_SEAL', 'does not verify with key', () => tampered((db) => resealWith(db, 11, otherKey, key.keyId)), false],
];

describe('a tampered outbox fails verification at the exact seq', () => {
  it('swapped records across two segments (5 and 6): both named, the first one first', () => {
    const file = tampered((db) => {
      const a = recordsOfFragment(db.prepare('SELECT data FROM chunks WHERE first_seq = 1').pluck().get() as Uint8Array).map((r) => new Uint8Array(r));
      const b = recordsOfFragment(db.prepare('SELECT data FROM chunks WHERE first_seq = 6').pluck().get() as Uint8Array).map((r) => new Uint8Array(r));
      [a[4], b[0]] = [b[0], a[4]];
      db.prepare('UPDATE chunks SET data = ? WHERE first_seq = ?').run(recordsFragment(a), 1);
      db.prepare('UPDATE chunks SET data = ? WHERE first_seq = ?').run(recordsFragment(b), 6);
    });
    const report = verifyFile(file);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(5);
    expect(report.problems.map((p) => [p.seq, p.code])).toEqual([[5, 'BAD_HASH'], [6, 'BAD_HASH']]);
  });

  it.each(cases)('%s', (_what, seq, code, detail, make) => {
    const report = verifyFile(make());
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(seq);
    expect(report.problems[0]).toMatchObject({ seq, code });
    expect(report.problems[0].message).toContain(detail);
  });
});

describe.concurrent('`fieldproof verify FILE` on a tampered outbox: exit 1 and the exact seq', () => {
  it.each(cases.filter((c) => c[5]))('%s', async (_what, seq, _code, detail, make) => {
    const result = await runCli(['verify', make()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const failed = result.stdout.split('\n').find((l) => l.startsWith('FAILED'));
    expect(failed).toMatch(new RegExp(`^FAILED at seq ${seq}: `));
    expect(failed).toContain(detail);
  });

  it('every seal and the stored key swapped for an attacker\'s: passes only on self-trust, fails at seq 1 with --pubkey', async () => {
    const file = tampered((db) => {
      for (const last of [5, 10, 11]) resealWith(db, last, otherKey);
      db.prepare('UPDATE state SET public_key = ?').run(otherKey.publicKey);
    });
    const selfTrust = verifyFile(file);
    expect(selfTrust.ok).toBe(true);
    expect(selfTrust.trust).toBe(`the public key stored in the outbox itself (key ${otherKey.keyId}); pass --pubkey to check against a key you trust`);
    const pinned = await runCli(['verify', file, '--pubkey', pubFile]);
    expect(pinned.code).toBe(1);
    expect(pinned.stdout).toMatch(/^FAILED at seq 1: seal over seq 1\.\.5 uses key [0-9a-f]{16}, which is not trusted/m);
  });

  it('a file that is not an outbox is a usage error (exit 2), not a verification result', async () => {
    const dir = tempDir();
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database');
    const notDb = await runCli(['verify', garbage]);
    expect(notDb.code).toBe(2);
    expect(notDb.stderr).toMatch(/^fieldproof: .*not a database/);
  });
});
