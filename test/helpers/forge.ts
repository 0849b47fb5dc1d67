// Hand-built segments for the hub's reject paths: a correctly chained and sealed run of records for any
// device and key, and byte-level tampering of an encoded segment (flip a record byte, a signature byte).
import {
  createSeal, decodeSegment, encodeRecord, encodeSegment, sha256, GENESIS_HASH,
  type Body, type DeviceKey, type SealMessage,
} from '../../proto/index.js';

export interface Forged {
  payload: Uint8Array;
  records: Uint8Array[];
  firstSeq: number;
  lastSeq: number;
}

/** A sealed segment of `bodies` for `deviceId` from `firstSeq`, linked from `prevHash`, signed by `key`. */
export function forgeSegment(o: { deviceId: string; key: DeviceKey; firstSeq: number; prevHash?: Uint8Array; bodies: Body[] }): Forged {
  let prev = o.prevHash ?? (o.firstSeq === 1 ? GENESIS_HASH : sha256(new TextEncoder().encode(`forged-${o.firstSeq}`)));
  const records: Uint8Array[] = [];
  const t = BigInt(Date.now()) * 1_000_000n;
  o.bodies.forEach((body, i) => {
    const bytes = encodeRecord({ deviceId: o.deviceId, seq: o.firstSeq + i, timeUnixNs: t + BigInt(i), monoNs: 1_000_000n + BigInt(i), prevHash: prev }, body);
    records.push(bytes);
    prev = sha256(bytes);
  });
  const lastSeq = o.firstSeq + records.length - 1;
  const seal = createSeal({ deviceId: o.deviceId, keyId: o.key.keyId, firstSeq: o.firstSeq, lastSeq, lastHash: prev }, o.key.secretKey);
  return { payload: encodeSegment(records, seal), records, firstSeq: o.firstSeq, lastSeq };
}

/** The same segment with one byte of record `index` flipped after sealing (an altered record). */
export function flipRecordByte(payload: Uint8Array, index: number, at = -1): Uint8Array {
  const segment = decodeSegment(payload);
  const records = segment.records.map((r) => Uint8Array.from(r));
  const target = records[index];
  const pos = at < 0 ? target.length + at : at;
  target[pos] ^= 0x01;
  return encodeSegment(records, segment.seal as SealMessage);
}

/** The same segment with one signature byte flipped (a bad seal). */
export function flipSignatureByte(payload: Uint8Array): Uint8Array {
  const segment = decodeSegment(payload);
  const seal = segment.seal as SealMessage;
  const signature = Uint8Array.from(seal.signature);
  signature[10] ^= 0x80;
  return encodeSegment(segment.records, { ...sealProps(seal), signature });
}

function sealProps(seal: SealMessage) {
  return { deviceId: seal.deviceId, keyId: seal.keyId, firstSeq: seal.firstSeq, lastSeq: seal.lastSeq, lastHash: seal.lastHash, signature: seal.signature };
}
