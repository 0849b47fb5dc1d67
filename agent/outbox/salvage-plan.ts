// Plans what a damaged outbox still proves: the records that verify (back from a valid seal, or linked
// forward in the unsealed tail), the seq ranges lost between and after them, and where the chain goes on. Pure.
import {
  decodeEnvelope, decodeRecord, decodeSeal, hashEquals, recordsOfFragment, sha256, toNumber, verifySealSync,
  keyIdOf, type ChainPoint, type KeyRing,
} from '../../proto/index.js';

export interface SalvageRecord {
  seq: number;
  bytes: Uint8Array;
  hash: Uint8Array;
  prevHash: Uint8Array;
}

export interface SegmentRow { firstSeq: number; lastSeq: number; priority: number; bytes: number; seal: Uint8Array }
export interface ChunkRow { firstSeq: number; lastSeq: number; data: Uint8Array }

export interface SalvageInput {
  deviceId: string;
  /** The last acknowledged record: what is below it is at the hub already. */
  base: ChainPoint;
  segments: SegmentRow[];
  chunks: ChunkRow[];
  /** Priority for the unsealed tail (the state's open_priority). */
  tailPriority: number;
  /** The highest seq that may have been issued: seqs after the last record kept, up to this, are lost too. */
  issuedThrough: number;
  keys: KeyRing;
}

export interface KeptRun {
  records: SalvageRecord[];
  priority: number;
  /** The original seal, when the whole segment verified; undefined: seal anew (part of a segment, or the tail). */
  seal?: Uint8Array;
}

export interface LostRange {
  firstSeq: number;
  lastSeq: number;
  /** Hash of the record before the range. */
  firstPrevHash: Uint8Array;
  /** prev_hash of the record after it; for the tail, unknown, so the hash the chain goes on from (= firstPrevHash). */
  lastHash: Uint8Array;
  /** Record bytes lost, as far as the segments table still tells. */
  bytes: number;
  /** The records after the last one kept: whether any were issued is not known. */
  tail: boolean;
}

export interface SalvagePlan {
  kept: KeptRun[];
  lost: LostRange[];
  /** The new chain's last issued seq and the hash its next record links to. */
  head: ChainPoint;
  keptRecords: number;
}

export function planSalvage(input: SalvageInput): SalvagePlan {
  const records = recordsBySeq(input.chunks);
  const runs: KeptRun[] = [];
  const segments = [...input.segments].sort((a, b) => a.firstSeq - b.firstSeq);
  let lastSealed = input.base.seq;
  for (const row of segments) {
    lastSealed = Math.max(lastSealed, row.lastSeq);
    if (row.lastSeq <= input.base.seq) continue;
    const run = authenticSuffix(row, records, input);
    if (run) runs.push(run);
  }
  // The unsealed tail: linked forward from the last sealed record, if that one was kept.
  const lastRun = runs[runs.length - 1];
  let from: ChainPoint | undefined = lastSealed === input.base.seq ? input.base : undefined;
  if (lastRun && lastRun.records[lastRun.records.length - 1].seq === lastSealed) {
    const r = lastRun.records[lastRun.records.length - 1];
    from = { seq: r.seq, hash: r.hash };
  }
  if (from) {
    const tail: SalvageRecord[] = [];
    for (let seq = from.seq + 1, prev = from.hash; records.has(seq); seq++) {
      const r = readRecord(records.get(seq)!, seq, input.deviceId);
      if (!r || !hashEquals(r.prevHash, prev)) break;
      tail.push(r);
      prev = r.hash;
    }
    if (tail.length) runs.push({ records: tail, priority: input.tailPriority });
  }
  return splice(runs, input);
}

/** Walks a segment back from its seal: the records that chain to a valid signature. */
function authenticSuffix(row: SegmentRow, records: Map<number, Uint8Array>, input: SalvageInput): KeptRun | undefined {
  let seal;
  try {
    seal = decodeSeal(row.seal);
  } catch {
    return undefined;
  }
  const key = input.keys.publicKey(seal.keyId);
  if (!key || seal.deviceId !== input.deviceId || toNumber(seal.firstSeq) !== row.firstSeq || toNumber(seal.lastSeq) !== row.lastSeq) return undefined;
  if (!verifySealSync(seal, key)) return undefined;
  const kept: SalvageRecord[] = [];
  let expected = seal.lastHash;
  for (let seq = row.lastSeq; seq >= row.firstSeq && seq > input.base.seq; seq--) {
    const bytes = records.get(seq);
    if (!bytes || !hashEquals(sha256(bytes), expected)) break;
    const r = readRecord(bytes, seq, input.deviceId);
    if (!r) break;
    kept.push(r);
    expected = r.prevHash;
    addRotatedKey(bytes, input.keys);
  }
  if (kept.length === 0) return undefined;
  kept.reverse();
  const whole = kept.length === row.lastSeq - row.firstSeq + 1;
  return { records: kept, priority: row.priority, seal: whole ? row.seal : undefined };
}

/** Orders the runs into one chain from the base: holes between them and after the last become lost ranges. */
function splice(runs: KeptRun[], input: SalvageInput): SalvagePlan {
  runs.sort((a, b) => a.records[0].seq - b.records[0].seq);
  const kept: KeptRun[] = [];
  const lost: LostRange[] = [];
  let at: ChainPoint = input.base;
  let keptRecords = 0;
  const lose = (firstSeq: number, lastSeq: number, lastHash: Uint8Array, tail: boolean) => lost.push({
    firstSeq, lastSeq, firstPrevHash: at.hash, lastHash, tail,
    bytes: input.segments.filter((s) => s.firstSeq >= firstSeq && s.lastSeq <= lastSeq).reduce((n, s) => n + s.bytes, 0),
  });
  for (const run of runs) {
    const records = run.records.filter((r) => r.seq > at.seq);
    if (records.length === 0) continue;
    const first = records[0];
    const last = records[records.length - 1];
    if (first.seq === at.seq + 1 && !hashEquals(first.prevHash, at.hash)) {
      // Verifies on its own but does not follow what came before: cannot be put in this chain.
      lose(first.seq, last.seq, last.hash, false);
    } else {
      if (first.seq > at.seq + 1) lose(at.seq + 1, first.seq - 1, first.prevHash, false);
      kept.push({ ...run, records, seal: records.length === run.records.length ? run.seal : undefined });
      keptRecords += records.length;
    }
    at = { seq: last.seq, hash: last.hash };
  }
  if (input.issuedThrough > at.seq) lose(at.seq + 1, input.issuedThrough, at.hash, true);
  return { kept, lost, head: { seq: Math.max(at.seq, input.issuedThrough), hash: at.hash }, keptRecords };
}

function recordsBySeq(chunks: ChunkRow[]): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const chunk of chunks) {
    let records: Uint8Array[];
    try {
      records = recordsOfFragment(chunk.data);
    } catch {
      continue;
    }
    records.forEach((bytes, i) => out.set(chunk.firstSeq + i, bytes));
  }
  return out;
}

function readRecord(bytes: Uint8Array, seq: number, deviceId: string): SalvageRecord | undefined {
  try {
    const envelope = decodeEnvelope(bytes);
    if (envelope.seq !== seq || envelope.deviceId !== deviceId) return undefined;
    return { seq, bytes, hash: sha256(bytes), prevHash: envelope.prevHash };
  } catch {
    return undefined;
  }
}

function addRotatedKey(bytes: Uint8Array, keys: KeyRing): void {
  try {
    if (decodeEnvelope(bytes).kind !== 'keyRotation') return;
    const rotation = decodeRecord(bytes).keyRotation;
    if (rotation?.newPublicKey?.length === 32 && keyIdOf(rotation.newPublicKey) === rotation.newKeyId) keys.add(rotation.newPublicKey);
  } catch { /* not a usable rotation */ }
}
