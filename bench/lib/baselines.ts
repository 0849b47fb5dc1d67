// Raw baselines measured in the same run as the figures they sit beside: better-sqlite3 inserts,
// node:crypto SHA-256 and Ed25519. No fieldproof code here, only the libraries underneath it.
import Database from 'better-sqlite3';
import * as crypto from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { perSecond } from './stats.js';

/** `count` distinct pseudo-random buffers of `size` bytes, to cycle through. */
export function blobPool(count: number, size: number): Buffer[] {
  const all = crypto.randomBytes(count * size);
  return Array.from({ length: count }, (_, i) => all.subarray(i * size, (i + 1) * size));
}

function openRaw(path: string, synchronous: 'NORMAL' | 'FULL'): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE records (seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, data BLOB NOT NULL)');
  return db;
}

/**
 * Rows per second of better-sqlite3 inserting `rows` rows (a ~200 B blob and a 32 B hash each),
 * `perTransaction` rows per transaction, WAL, synchronous=NORMAL, into a fresh file in `dir`.
 */
export function sqliteBatchedInsertRate(dir: string, name: string, rows: number, blobBytes = 200, perTransaction = 1000): number {
  const db = openRaw(join(dir, `${name}.db`), 'NORMAL');
  const blobs = blobPool(1000, blobBytes);
  const hashes = blobPool(1000, 32);
  const insert = db.prepare('INSERT INTO records (seq, hash, data) VALUES (?, ?, ?)');
  const batch = db.transaction((first: number, count: number) => {
    for (let seq = first; seq < first + count; seq++) insert.run(seq, hashes[seq % 1000], blobs[seq % 1000]);
  });
  const t0 = performance.now();
  for (let first = 1; first <= rows; first += perTransaction) batch.immediate(first, Math.min(perTransaction, rows - first + 1));
  const ms = performance.now() - t0;
  db.close();
  return perSecond(rows, ms);
}

/**
 * Milliseconds of each of `samples` single-row insert+commit transactions, WAL, synchronous=FULL (fsync
 * each), `spacingMs` apart (a cold commit costs more than one in a tight loop).
 */
export async function sqliteFullCommitLatencies(dir: string, name: string, samples: number, spacingMs: number, blobBytes = 200): Promise<number[]> {
  const db = openRaw(join(dir, `${name}.db`), 'FULL');
  const blob = blobPool(1, blobBytes)[0];
  const hash = blobPool(1, 32)[0];
  const insert = db.prepare('INSERT INTO records (seq, hash, data) VALUES (?, ?, ?)');
  const one = db.transaction((seq: number) => insert.run(seq, hash, blob));
  const out: number[] = new Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    one.immediate(i + 1);
    out[i] = performance.now() - t0;
    if (spacingMs) await sleep(spacingMs);
  }
  db.close();
  return out;
}

// crypto.hash (Node 20.12+) is the fastest one-shot SHA-256 node:crypto offers.
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
const sha256Raw = oneShot ? (b: Uint8Array) => oneShot('sha256', b, 'buffer') : (b: Uint8Array) => crypto.createHash('sha256').update(b).digest();

/** SHA-256 digests per second of `count` distinct inputs of `size` bytes. */
export function sha256Rate(count: number, size = 200): number {
  const inputs = blobPool(1000, size);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) sink ^= sha256Raw(inputs[i % 1000])[0];
  const ms = performance.now() - t0;
  if (sink === 256) console.error(sink); // keeps the loop from being optimised away
  return perSecond(count, ms);
}

/** Milliseconds of each of `samples` Ed25519 signatures (node:crypto) over a seal-sized message, `spacingMs` apart. */
export async function ed25519SignTimes(samples: number, spacingMs: number, messageBytes = 100): Promise<number[]> {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const messages = blobPool(100, messageBytes);
  const out: number[] = new Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    crypto.sign(null, messages[i % 100], privateKey);
    out[i] = performance.now() - t0;
    if (spacingMs) await sleep(spacingMs);
  }
  return out;
}
