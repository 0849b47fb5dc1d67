// Hub ingest alone, no MQTT: prepareSegment (decode, keys, seal, every record hash) + store.commitSegments in batches
// of 64, as the hub does; beside raw Ed25519 verify, raw SHA-256 and raw better-sqlite3 inserts of the same blobs.
import Database from 'better-sqlite3';
import * as crypto from 'node:crypto';
import { join } from 'node:path';
import { decideSegment, openStore, prepareSegment, type SegmentLimits } from '../hub/index.js';
import { blobPool, sha256Rate } from './lib/baselines.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { buildSegments, type BuiltSegments } from './lib/segments.js';
import { k, median, perSecond } from './lib/stats.js';

/** What the hub commits per transaction at most (hub/hub.ts BATCH_SEGMENTS). */
const BATCH = 64;
const LIMITS: SegmentLimits = { maxPayloadBytes: 16 * 1024 * 1024, maxRecordsPerSegment: 100_000 };

interface IngestRun { ms: number; prepareMs: number; commitMs: number }

/** Verifies and commits every segment into a fresh hub store, BATCH per transaction. */
async function ingest(dir: string, name: string, built: BuiltSegments): Promise<IngestRun> {
  const store = await openStore({ driver: 'sqlite', path: join(dir, `${name}.db`) });
  try {
    await store.addDeviceKey(built.deviceId, built.key.keyId, built.key.publicKey, 'bench');
    let prepareMs = 0;
    let commitMs = 0;
    const t0 = performance.now();
    for (let i = 0; i < built.segments.length; i += BATCH) {
      const t1 = performance.now();
      const ready = [];
      for (const s of built.segments.slice(i, i + BATCH)) ready.push(await prepareSegment(store, LIMITS, built.deviceId, s.payload, Date.now()));
      const t2 = performance.now();
      const results = await store.commitSegments(ready, decideSegment);
      commitMs += performance.now() - t2;
      prepareMs += t2 - t1;
      const bad = results.find((r) => !r.verdict.ok || r.verdict.duplicate);
      if (bad) throw new Error(`ingest ${name}: a segment was not stored fresh: ${JSON.stringify(bad.verdict)}`);
    }
    const ms = performance.now() - t0;
    const stored = await store.countRecords(built.deviceId);
    if (stored !== built.records) throw new Error(`ingest ${name}: ${stored} of ${built.records} records stored`);
    return { ms, prepareMs, commitMs };
  } finally {
    await store.close();
  }
}

/** Ed25519 verifications per second (node:crypto) of seal-sized messages. */
function ed25519VerifyRate(count: number): number {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const messages = blobPool(100, 100);
  const signatures = messages.map((m) => crypto.sign(null, m, privateKey));
  let ok = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) if (crypto.verify(null, messages[i % 100], publicKey, signatures[i % 100])) ok++;
  const ms = performance.now() - t0;
  if (ok !== count) throw new Error('Ed25519 baseline: a signature did not verify');
  return perSecond(count, ms);
}

/** Segments per second of better-sqlite3 inserting the same raw blobs, BATCH per transaction, WAL FULL (as the hub store). */
function sqliteBlobInsertRate(dir: string, name: string, blobs: Uint8Array[]): number {
  const db = new Database(join(dir, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE segments (device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, raw BLOB NOT NULL, PRIMARY KEY (device_id, first_seq))');
  const insert = db.prepare('INSERT INTO segments (device_id, first_seq, raw) VALUES (?, ?, ?)');
  const batch = db.transaction((first: number) => {
    for (let i = first; i < Math.min(blobs.length, first + BATCH); i++) insert.run('uav-bench', i, blobs[i]);
  });
  const t0 = performance.now();
  for (let i = 0; i < blobs.length; i += BATCH) batch.immediate(i);
  const ms = performance.now() - t0;
  db.close();
  return perSecond(blobs.length, ms);
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 20_000 : 200_000;
  const runs = ctx.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const perSegment of [1000, 100]) {
    const built = await buildSegments(ctx.dir, `ingest-src-${perSegment}`, n, perSegment);
    const segs = built.segments.length;
    const recordBytes = Math.round(built.bytes / n);
    await ingest(ctx.dir, `warm-${perSegment}`, { ...built, segments: built.segments.slice(0, Math.min(segs, 20)), records: Math.min(segs, 20) * perSegment });
    const runsOf: IngestRun[] = [];
    const verify: number[] = [];
    const insert: number[] = [];
    const hash: number[] = [];
    for (let r = 0; r < runs; r++) {
      runsOf.push(await ingest(ctx.dir, `hub-${perSegment}-${r}`, built));
      verify.push(ed25519VerifyRate(ctx.quick ? 2000 : 5000));
      insert.push(sqliteBlobInsertRate(ctx.dir, `raw-${perSegment}-${r}`, built.segments.map((s) => s.payload)));
      hash.push(sha256Rate(ctx.quick ? 30_000 : 100_000, recordBytes));
      const last = runsOf[r];
      ctx.log(`${perSegment}-record segments round ${r + 1}/${runs}: ${k(perSecond(n, last.ms))} rec/s, ${Math.round(perSecond(segs, last.ms))} seg/s (prepare ${last.prepareMs.toFixed(0)} ms, commit ${last.commitMs.toFixed(0)} ms); Ed25519 verify ${k(verify[r])}/s; sqlite blobs ${Math.round(insert[r])} seg/s; sha256 ${k(hash[r])}/s`);
    }
    const recRates = runsOf.map((x) => perSecond(n, x.ms));
    const segRates = runsOf.map((x) => perSecond(segs, x.ms));
    const mid = runsOf[recRates.indexOf([...recRates].sort((a, b) => a - b)[recRates.length >> 1])];
    const bytes = Math.round(built.bytes / segs);
    const hashBase: Baseline = { name: `raw SHA-256 (node:crypto) of ${recordBytes} B`, figure: median(hash), unit: 'hashes/s', samples: hash };
    const verifyBase: Baseline = { name: 'raw Ed25519 verify (node:crypto)', figure: median(verify), unit: 'verifies/s', samples: verify };
    const insertBase: Baseline = { name: `raw better-sqlite3 insert of the same ${(bytes / 1024).toFixed(0)} KiB blobs, ${BATCH}/txn, WAL FULL`, figure: median(insert), unit: 'seg/s', samples: insert };
    const label = `hub ingest (verify + store), ${perSegment}-record segments`;
    rows.push(
      row(label, median(recRates), 'rec/s', hashBase, {
        samples: recRates,
        note: `${n} records, ${segs} segments of ${(bytes / 1024).toFixed(1)} KiB, ${BATCH} per transaction, median of ${runs}; median run: prepare ${share(mid.prepareMs, mid.ms)}, commit ${share(mid.commitMs, mid.ms)}`,
      }),
      row(label, median(segRates), 'seg/s', verifyBase, { samples: segRates }),
      row(label, median(segRates), 'seg/s', insertBase),
    );
  }
  return rows;
}

function share(part: number, whole: number): string {
  return `${part.toFixed(0)} ms (${Math.round((100 * part) / whole)}%)`;
}
