// Builds hash chains and sealed segments in memory, as an agent would, for the pure chain-check tests.
// Records link by prev_hash from genesis; seals are real Ed25519 seals from proto/seal.ts.
import {
  createSeal, decodeRecord, decodeSeal, encodeRecord, encodeSeal, sha256, toNumber, GENESIS_HASH,
  type Body, type DeviceKey, type SealMessage,
} from '../../proto/index.js';
import { bulkBody } from './bodies.js';

export interface BuiltRecord {
  seq: number;
  bytes: Uint8Array;
  hash: Uint8Array;
  prevHash: Uint8Array;
}

export class ChainBuilder {
  readonly records: BuiltRecord[] = [];
  constructor(readonly deviceId: string) {}

  get head(): { seq: number; hash: Uint8Array } {
    const last = this.records[this.records.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  append(body: Body = bulkBody(this.records.length + 1)): BuiltRecord {
    const { seq: headSeq, hash: prevHash } = this.head;
    const seq = headSeq + 1;
    const bytes = encodeRecord({ deviceId: this.deviceId, seq, timeUnixNs: BigInt(seq) * 1_000_000n, monoNs: BigInt(seq), prevHash }, body);
    const record = { seq, bytes, hash: sha256(bytes), prevHash };
    this.records.push(record);
    return record;
  }

  appendMany(n: number): this {
    for (let i = 0; i < n; i++) this.append();
    return this;
  }

  bytes(first: number, last: number): Uint8Array[] {
    return this.records.filter((r) => r.seq >= first && r.seq <= last).map((r) => r.bytes);
  }

  hashOf(seq: number): Uint8Array {
    return this.records[seq - 1].hash;
  }
}

/** A seal over records as an agent would make it, decoded from its wire bytes like a verifier sees it. */
export function sealOver(records: Uint8Array[], key: DeviceKey, overrides: Partial<{ deviceId: string; keyId: string; firstSeq: number; lastSeq: number }> = {}): SealMessage {
  const first = decodeRecord(records[0]);
  const last = records[records.length - 1];
  const fields = {
    deviceId: overrides.deviceId ?? first.deviceId,
    keyId: overrides.keyId ?? key.keyId,
    firstSeq: overrides.firstSeq ?? toNumber(first.seq),
    lastSeq: overrides.lastSeq ?? toNumber(decodeRecord(last).seq),
    lastHash: sha256(last),
  };
  return decodeSeal(encodeSeal(createSeal(fields, key.secretKey)));
}

/** Consecutive segments of `size` records over seq first..last, each sealed by `key`. */
export function segmentsOf(chain: ChainBuilder, key: DeviceKey, first: number, last: number, size: number): { records: Uint8Array[]; seal: SealMessage }[] {
  const out: { records: Uint8Array[]; seal: SealMessage }[] = [];
  for (let s = first; s <= last; s += size) {
    const records = chain.bytes(s, Math.min(last, s + size - 1));
    out.push({ records, seal: sealOver(records, key) });
  }
  return out;
}

/** A copy of `bytes` with one byte flipped (a real copy: Buffer.prototype.slice would share memory). */
export function flipped(bytes: Uint8Array, at = bytes.length - 1): Uint8Array {
  const out = new Uint8Array(bytes);
  out[at] ^= 0x01;
  return out;
}

/** A Gap body claiming seq first..last of `chain` were evicted. */
export function gapBody(chain: ChainBuilder, first: number, last: number, overrides: Partial<{ firstPrevHash: Uint8Array; lastHash: Uint8Array }> = {}): Body {
  return {
    gap: {
      firstSeq: first, lastSeq: last, reason: 1,
      firstPrevHash: overrides.firstPrevHash ?? chain.records[first - 1].prevHash,
      lastHash: overrides.lastHash ?? chain.hashOf(last),
      bytesLost: 1000, detail: 'test eviction',
    },
  };
}
