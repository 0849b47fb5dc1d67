// Writes the evidence-packet conformance vectors (docs/vectors/): a valid packet and one per tampering kind, each
// with the verdict it must get, in index.json. Fixed keys, times and records, so every run writes the same bytes.
//   npx tsx scripts/make-evidence-vectors.ts [OUT_DIR]      (default docs/vectors)
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadOddFile } from '../config/odd-config.js';
import { exportPacket } from '../hub/export/index.js';
import { TarWriter } from '../hub/export/tar-writer.js';
import { decideSegment, route, segTopic } from '../hub/ingest/index.js';
import type { HubStore } from '../hub/store/index.js';
import { openSqliteStore } from '../hub/store/sqlite/open-sqlite.js';
import {
  createSeal, decodeSegment, encodeRecord, encodeSegment, keyIdOf, publicKeyOf, sha256, sign, toHex, GENESIS_HASH,
  type Body, type DeviceKey,
} from '../proto/index.js';
import { bytesSource, canonicalBytes, CELLS_FILE, manifestStatement, openPacket, parseManifest, verifyPacket, MANIFEST, MANIFEST_SIG } from '../proto/packet/index.js';

const OUT = resolve(process.argv[2] ?? 'docs/vectors');
const T0 = Date.UTC(2026, 5, 1, 8, 0); // records from here, one every 2 s
const REGISTERED = T0 - 3_600_000;
const RECEIVED = T0 + 600_000; // the hub receives each device's segments 10 minutes after T0, 1 ms apart
const CREATED = T0 + 3_600_000;

async function key(seed: number): Promise<DeviceKey> {
  const secretKey = new Uint8Array(32).fill(seed);
  const publicKey = await publicKeyOf(secretKey);
  return { keyId: keyIdOf(publicKey), secretKey, publicKey };
}

/** 24 records: a Boot, Conditions across levels, decisions, a handover pair, and seqs 13..14 evicted (a Gap at 16). */
function history(deviceId: string, source: number): { bytes: Uint8Array[]; evicted: Set<number> } {
  const bodies: Body[] = [];
  const cond = (i: number): Body => ({
    conditions: {
      sourceId: 'vec', weather: { precipitation: i % 3 === 0 ? 2 : 1, precipitationMmH: i % 3 === 0 ? 5 : 0, visibilityM: 800 + 700 * (i % 4) },
      lighting: { lux: [0.5, 500, 20000][i % 3], glare: 0 }, vibration: { rmsX: 1 + (i % 2) * 3, rmsY: 0.5, rmsZ: 1 },
      occlusion: { fraction: [0.05, 0.25][i % 2] }, gnss: { fix: 3, hdop: 0.8 }, perceptionConfidence: 0.5 + i / 100,
    },
  });
  bodies.push({ boot: { agentVersion: 'vectors', keyId: '', provenance: { source, missionId: 'm1' } } });
  for (let i = 2; i <= 24; i++) {
    if (i === 6 || i === 19) bodies.push({ decision: { verdict: i === 6 ? 1 : 2, criteriaVersion: 'v1', criteria: [{ name: 'visibility_m', value: 900, comparator: 4, threshold: 1000, pass: i === 6, unit: 'm' }] } });
    else if (i === 10) bodies.push({ handover: { handoverId: 'h1', phase: 1, initiator: 1, fromAuthority: 1, toAuthority: 2, reason: 'fog' } });
    else if (i === 11) bodies.push({ handover: { handoverId: 'h1', phase: 2, initiator: 1, fromAuthority: 1, toAuthority: 2, reason: 'fog' } });
    else if (i === 16) bodies.push({ marker: { kind: 'gap-follows' } }); // replaced by the Gap below
    else bodies.push(cond(i));
  }
  const out: Uint8Array[] = [];
  const hashes: Uint8Array[] = [];
  let prev: Uint8Array = GENESIS_HASH;
  for (let i = 0; i < bodies.length; i++) {
    const seq = i + 1;
    const body: Body = seq === 16
      ? { gap: { firstSeq: 13, lastSeq: 14, reason: 1, firstPrevHash: hashes[11], lastHash: hashes[13], bytesLost: 400, detail: 'quota' } }
      : bodies[i];
    const bytes = encodeRecord({ deviceId, seq, timeUnixNs: BigInt(T0 + 2000 * seq) * 1_000_000n, monoNs: BigInt(seq) * 1_000_000_000n, prevHash: prev }, body);
    out.push(bytes);
    prev = sha256(bytes);
    hashes.push(prev);
  }
  return { bytes: out, evicted: new Set([13, 14]) };
}

/** Segments of 4 records (the evicted seqs left out), sealed by `k`. */
function segments(deviceId: string, bytes: Uint8Array[], evicted: Set<number>, k: DeviceKey): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  let first = 0;
  const flush = () => {
    if (!run.length) return;
    const last = first + run.length - 1;
    out.push(encodeSegment(run, createSeal({ deviceId, keyId: k.keyId, firstSeq: first, lastSeq: last, lastHash: sha256(run[run.length - 1]) }, k.secretKey)));
    run = [];
  };
  bytes.forEach((b, i) => {
    const seq = i + 1;
    if (evicted.has(seq)) return flush();
    if (!run.length) first = seq;
    run.push(b);
    if (run.length === 4) flush();
  });
  flush();
  return out;
}

async function fill(store: HubStore, deviceId: string, k: DeviceKey, source: number, receivedFrom: number): Promise<void> {
  await store.addDeviceKey(deviceId, k.keyId, k.publicKey);
  const { bytes, evicted } = history(deviceId, source);
  const limits = { maxPayloadBytes: 1 << 20, maxRecordsPerSegment: 1000 };
  let t = receivedFrom;
  for (const payload of segments(deviceId, bytes, evicted, k)) {
    const routed = await route(store, limits, segTopic(deviceId), payload, t++);
    if (routed.kind !== 'segment') throw new Error('not a segment');
    const [r] = await store.commitSegments([routed.segment], decideSegment);
    if (!r.verdict.ok) throw new Error(`rejected: ${r.verdict.message}`);
  }
}

/** Registration and revocation at fixed times, as the store keeps them. */
function fixTimes(path: string, revokedMs: number | null): void {
  const db = new Database(path);
  db.prepare('UPDATE devices SET added_ms = ?').run(REGISTERED);
  db.prepare('UPDATE device_keys SET added_ms = ?, revoked_ms = ?').run(REGISTERED, revokedMs);
  db.close();
}

type Files = { name: string; bytes: Uint8Array }[];

async function readTar(bytes: Uint8Array): Promise<Files> {
  const p = await openPacket(bytesSource(bytes));
  return Promise.all(p.entries.map(async (e) => ({ name: e.name, bytes: new Uint8Array(await p.read(e)) })));
}

async function writeTar(path: string, files: Files): Promise<void> {
  const tar = new TarWriter(path, new Date(CREATED));
  for (const f of files) await tar.add(f.name, f.bytes);
  await tar.close();
}

function frames(part: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
  for (let at = 0; at < part.length;) {
    const end = at + 12 + view.getUint32(at);
    out.push(part.subarray(at, end));
    at = end;
  }
  return out;
}

const concat = (xs: Uint8Array[]) => new Uint8Array(Buffer.concat(xs));
const fileOf = (files: Files, name: string) => files.find((f) => f.name === name)!;
const PART = 'devices/0001/segments-000001.bin';

interface Vector { file: string; what: string; ok: boolean; codes: string[]; problems: { code: string; file?: string; device?: string; seq?: number }[] }

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'fieldproof-vectors-'));
  try {
    const hub = await key(0x42);
    const taxonomy = loadOddFile();
    const store = await openSqliteStore(join(work, 'hub.db'));
    await fill(store, 'ugv-01', await key(0x01), 1, RECEIVED);
    await fill(store, 'uav-02', await key(0x02), 2, RECEIVED + 100);
    await store.close();
    fixTimes(join(work, 'hub.db'), null);
    const reopened = await openSqliteStore(join(work, 'hub.db'));
    const valid = join(work, 'valid.tar');
    await exportPacket({ store: reopened, out: valid, hubKey: hub, taxonomy, now: () => CREATED });
    await reopened.close();

    // A device whose key the hub revoked between two of its segments (a store that kept seals it should have refused).
    const revokedStore = await openSqliteStore(join(work, 'revoked.db'));
    await fill(revokedStore, 'ugv-03', await key(0x03), 1, RECEIVED);
    await revokedStore.close();
    fixTimes(join(work, 'revoked.db'), RECEIVED + 3);
    const reopenedRevoked = await openSqliteStore(join(work, 'revoked.db'));
    const revoked = join(work, 'key-revoked.tar');
    await exportPacket({ store: reopenedRevoked, out: revoked, hubKey: hub, taxonomy, now: () => CREATED });
    await reopenedRevoked.close();

    mkdirSync(OUT, { recursive: true });
    const base = await readTar(readFileSync(valid));
    const tamperings: { name: string; what: string; change: (files: Files) => void | Promise<void> }[] = [
      { name: 'byte-flipped.tar', what: 'one byte of a record in a segment flipped (the third segment\'s first record, last byte)', change: (files) => {
        const part = fileOf(files, PART);
        const rec = decodeSegment(frames(part.bytes)[2].subarray(12)).records[0];
        part.bytes[Buffer.from(part.bytes).indexOf(Buffer.from(rec)) + rec.length - 1] ^= 0x01;
      } },
      { name: 'segment-removed.tar', what: 'the second segment of ugv-01 taken out', change: (files) => {
        const part = fileOf(files, PART);
        const f = frames(part.bytes);
        part.bytes = concat([f[0], ...f.slice(2)]);
      } },
      { name: 'segment-repeated.tar', what: 'the second segment of ugv-01 given twice', change: (files) => {
        const part = fileOf(files, PART);
        const f = frames(part.bytes);
        part.bytes = concat([f[0], f[1], f[1], ...f.slice(2)]);
      } },
      { name: 'manifest-edited.tar', what: 'the manifest\'s last_seq of ugv-01 lowered by 4, not re-signed', change: (files) => {
        const m = parseManifest(fileOf(files, MANIFEST).bytes);
        m.devices[0].last_seq -= 4;
        fileOf(files, MANIFEST).bytes = canonicalBytes(m);
      } },
      { name: 'signature-replaced.tar', what: 'manifest.sig replaced by a signature of another key (seed 0x66) over the same statement', change: async (files) => {
        const other = await key(0x66);
        const m = parseManifest(fileOf(files, MANIFEST).bytes);
        const signature = await sign(manifestStatement(m.hub_key_id, sha256(fileOf(files, MANIFEST).bytes)), other.secretKey);
        fileOf(files, MANIFEST_SIG).bytes = canonicalBytes({ public_key: toHex(other.publicKey), signature: toHex(signature) });
      } },
      { name: 'report-edited.tar', what: 'reports/cells.json: totals.all.samples raised by 1', change: (files) => {
        const cells = JSON.parse(new TextDecoder().decode(fileOf(files, CELLS_FILE).bytes)) as { totals: { all: { samples: number } } };
        cells.totals.all.samples += 1;
        fileOf(files, CELLS_FILE).bytes = canonicalBytes(cells);
      } },
      { name: 'tail-cut.tar', what: 'the last segment of ugv-01 taken out (the hub checkpoint is no longer reached)', change: (files) => {
        const part = fileOf(files, PART);
        part.bytes = concat(frames(part.bytes).slice(0, -1));
      } },
    ];
    const out: { name: string; what: string; files: Files }[] = [{ name: 'valid.tar', what: 'a valid packet: 2 devices, an evicted range explained by its Gap record', files: base }];
    for (const t of tamperings) {
      const files = base.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
      await t.change(files);
      out.push({ name: t.name, what: t.what, files });
    }
    out.push({ name: 'key-revoked.tar', what: 'a hub-signed packet whose ugv-03 segments after the first three were received after the key was revoked', files: await readTar(readFileSync(revoked)) });

    const vectors: Vector[] = [];
    for (const v of out) {
      const path = join(OUT, v.name);
      await writeTar(path, v.files);
      const verdict = await verifyPacket(await openPacket(bytesSource(readFileSync(path))), { hubPublicKey: hub.publicKey });
      const codes = [...new Set(verdict.problems.map((p) => p.code))].sort();
      const firsts = codes.map((c) => verdict.problems.find((p) => p.code === c)!).map(({ code, file, device, seq }) => ({ code, file, device, seq }));
      vectors.push({ file: v.name, what: v.what, ok: verdict.ok, codes, problems: firsts });
    }
    const expect = (file: string, code: string) => {
      if (!vectors.find((v) => v.file === file)?.codes.includes(code)) throw new Error(`${file}: expected a ${code} problem`);
    };
    if (!vectors[0].ok) throw new Error(`valid.tar does not verify: ${JSON.stringify(vectors[0].problems)}`);
    [['byte-flipped.tar', 'BAD_HASH'], ['segment-removed.tar', 'UNEXPLAINED_GAP'], ['segment-repeated.tar', 'SEQ_ORDER'], ['manifest-edited.tar', 'HUB_SIGNATURE'],
      ['signature-replaced.tar', 'HUB_KEY'], ['report-edited.tar', 'REPORT_MISMATCH'], ['tail-cut.tar', 'CHECKPOINT_NOT_REACHED'], ['key-revoked.tar', 'KEY_WINDOW']]
      .forEach(([file, code]) => expect(file, code));
    const index = {
      about: 'Evidence packet conformance vectors (docs/evidence-format.md). Verify each packet with the hub key pinned; a conforming verifier finds exactly `codes` (the set of problem codes; empty: the packet verifies), and for each code at least the problem listed (file, device, seq where given). Messages are free. Made by scripts/make-evidence-vectors.ts: fixed keys (seed bytes), times and records.',
      hub: { seed: '42'.repeat(32), public_key: toHex(hub.publicKey), key_id: hub.keyId },
      devices: { 'ugv-01': { seed: '01'.repeat(32), key_id: (await key(1)).keyId }, 'uav-02': { seed: '02'.repeat(32), key_id: (await key(2)).keyId }, 'ugv-03': { seed: '03'.repeat(32), key_id: (await key(3)).keyId } },
      vectors,
    };
    writeFileSync(join(OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
    process.stdout.write(`${vectors.length} vectors in ${OUT}: ${vectors.map((v) => `${v.file} [${v.codes.join(', ') || 'ok'}]`).join('; ')}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
