// The agent's ack check, field by field of the signed statement, and the checkpoint note's exact bytes.
// Pure: a fake local chain, keys from fixed seeds.
import { describe, expect, it } from 'vitest';
import { checkAck, type LocalChain } from '../agent/uplink/ack-check.js';
import {
  checkpointNote, encodeAck, fromHex, GENESIS_HASH, holesAbove, KeyRing, sha256, signBeyond, signCheckpoint, verify, type CheckpointFields, type DeviceKey, type HeldRange,
} from '../proto/index.js';
import { testKey } from './helpers/keys.js';

const DEVICE = 'ugv-01';
const hashOf = (seq: number) => sha256(new TextEncoder().encode(`record ${seq}`));

/** An outbox holding seq 11..20 (1..10 acknowledged). */
const local: LocalChain = {
  deviceId: DEVICE, headSeq: 20, ackedSeq: 10, ackedHash: hashOf(10),
  hashAt: (seq) => (seq > 10 && seq <= 20 ? hashOf(seq) : undefined),
};

async function setup() {
  const hub = await testKey(40);
  const rogue = await testKey(41);
  return { hub, rogue, ring: new KeyRing([hub.publicKey]) };
}

function ack(key: DeviceKey, f: Partial<CheckpointFields> & { seq: number }, extra: Parameters<typeof encodeAck>[0] = {}, beyond?: { ranges: HeldRange[]; key: DeviceKey }): Uint8Array {
  const fields = { hubKeyId: key.keyId, deviceId: DEVICE, hash: hashOf(f.seq), hubTimeUnixNs: 1_700_000_000_000_000_000n, ...f };
  const ranges = beyond && { storedBeyond: beyond.ranges, beyondSignature: signBeyond({ ...fields, hubKeyId: beyond.key.keyId }, beyond.ranges, beyond.key.secretKey) };
  return encodeAck({ deviceId: DEVICE, checkpoint: signCheckpoint(fields, key.secretKey), ...ranges, ...extra });
}

describe('checkAck', () => {
  it('takes a checkpoint signed by a pinned key that names this device and matches its record', async () => {
    const { hub, ring } = await setup();
    const v = checkAck(ack(hub, { seq: 15 }), ring, local);
    expect(v).toMatchObject({ ok: true, checkpoint: { seq: 15, deviceId: DEVICE, hubKeyId: hub.keyId } });
    expect(checkAck(ack(hub, { seq: 10, hash: hashOf(10) }), ring, local).ok).toBe(true);
  });

  it('refuses each field gone wrong, and says which', async () => {
    const { hub, rogue, ring } = await setup();
    const cases: [string, Uint8Array][] = [
      ['malformed', Uint8Array.from([0xff, 0xff, 0xff])],
      ['unsigned', encodeAck({ deviceId: DEVICE })],
      ['wrong_device', encodeAck({ deviceId: 'other', checkpoint: signCheckpoint({ hubKeyId: hub.keyId, deviceId: 'other', seq: 15, hash: hashOf(15), hubTimeUnixNs: 1n }, hub.secretKey) })],
      ['wrong_device', ack(hub, { seq: 15, deviceId: 'other' })],
      ['unknown_hub_key', ack(rogue, { seq: 15 })],
      ['beyond_head', ack(hub, { seq: 21 })],
      ['hash_mismatch', ack(hub, { seq: 15, hash: hashOf(16) })],
      ['hash_mismatch', ack(hub, { seq: 10, hash: hashOf(9) })],
      ['stale', ack(hub, { seq: 9 })],
    ];
    for (const [reason, payload] of cases) expect(checkAck(payload, ring, local), reason).toMatchObject({ ok: false, reason });
  });

  it('refuses a signature over different fields, whichever field was changed', async () => {
    const { hub, ring } = await setup();
    const good = signCheckpoint({ hubKeyId: hub.keyId, deviceId: DEVICE, seq: 15, hash: hashOf(15), hubTimeUnixNs: 5n }, hub.secretKey);
    const changed = [{ seq: 16 }, { hash: hashOf(16) }, { hubTimeUnixNs: 6 }, { signature: new Uint8Array(64) }, { signature: good.signature!.subarray(0, 63) }];
    for (const change of changed) {
      const forged = encodeAck({ deviceId: DEVICE, checkpoint: { ...good, ...change } });
      const seq = (change as { seq?: number }).seq ?? 15;
      const own = { ...local, hashAt: (s: number) => ((change as { hash?: Uint8Array }).hash && s === seq ? hashOf(16) : local.hashAt(s)) };
      expect(checkAck(forged, ring, own), JSON.stringify(Object.keys(change))).toMatchObject({ ok: false, reason: 'bad_signature' });
    }
  });

  it('reports a genuine statement that contradicts the outbox as a divergence (a fork), never as an ack', async () => {
    const { hub, ring } = await setup();
    expect(checkAck(ack(hub, { seq: 25 }), ring, local)).toMatchObject({ ok: false, reason: 'beyond_head', divergence: { reason: 'HUB_AHEAD', hubSeq: 25 } });
    expect(checkAck(ack(hub, { seq: 12, hash: hashOf(99) }), ring, local)).toMatchObject({ ok: false, divergence: { reason: 'HASH_MISMATCH', hubSeq: 12 } });
  });

  it('uses stored_beyond ranges only under a valid signature and only where the hashes match', async () => {
    const { hub, rogue, ring } = await setup();
    const time = 1_700_000_000_000_000_000n;
    const ranges = [{ first: 17, last: 18, lastHash: hashOf(18) }, { first: 20, last: 20, lastHash: hashOf(99) }];
    const signed = ack(hub, { seq: 15, hubTimeUnixNs: time }, {}, { ranges, key: hub });
    expect(checkAck(signed, ring, local)).toMatchObject({ ok: true, storedBeyond: [ranges[0]], divergence: { reason: 'HASH_MISMATCH', hubSeq: 20, evidenceSeq: 20 } });
    // The range that differs is not the furthest: the fork continues after 20 but re-checks the evidence at 13.
    const mixed = [{ first: 11, last: 13, lastHash: hashOf(99) }, { first: 16, last: 20, lastHash: hashOf(20) }];
    const both = ack(hub, { seq: 10, hash: hashOf(10), hubTimeUnixNs: time }, {}, { ranges: mixed, key: hub });
    expect(checkAck(both, ring, local)).toMatchObject({ ok: true, divergence: { reason: 'HASH_MISMATCH', hubSeq: 20, evidenceSeq: 13, contiguousSeq: 10, abandoned: [{ first: 14, last: 15 }] } });
    const forged = ack(hub, { seq: 15, hubTimeUnixNs: time }, {}, { ranges, key: rogue });
    // Genuine ranges moved onto another genuine ack (another checkpoint) do not verify there.
    const moved = encodeAck({ deviceId: DEVICE, checkpoint: signCheckpoint({ hubKeyId: hub.keyId, deviceId: DEVICE, seq: 14, hash: hashOf(14), hubTimeUnixNs: time }, hub.secretKey),
      storedBeyond: ranges, beyondSignature: signBeyond({ hubKeyId: hub.keyId, deviceId: DEVICE, seq: 15, hash: hashOf(15), hubTimeUnixNs: time }, ranges, hub.secretKey) });
    expect(checkAck(moved, ring, local)).toMatchObject({ ok: true, storedBeyond: [] });
    expect(checkAck(forged, ring, local)).toMatchObject({ ok: true, storedBeyond: [] });
    expect((checkAck(forged, ring, local) as { divergence?: unknown }).divergence).toBeUndefined();
  });
});

describe('checkpointNote', () => {
  it('is a C2SP signed-note body: origin, size, base64 hash, one extension line', async () => {
    const note = checkpointNote({ hubKeyId: '0123456789abcdef', deviceId: DEVICE, seq: 4002, hash: GENESIS_HASH, hubTimeUnixNs: 42n });
    expect(new TextDecoder().decode(note)).toBe(`fieldproof/v1/checkpoint/ugv-01\n4002\n${'A'.repeat(43)}=\nhub 0123456789abcdef 42\n`);
  });

  it('verifies with either Ed25519 backend', async () => {
    const { hub } = await setup();
    const f = { hubKeyId: hub.keyId, deviceId: DEVICE, seq: 7, hash: fromHex('11'.repeat(32)), hubTimeUnixNs: 9n };
    const cp = signCheckpoint(f, hub.secretKey);
    expect(await verify(cp.signature!, checkpointNote(f), hub.publicKey, 'node')).toBe(true);
    expect(await verify(cp.signature!, checkpointNote(f), hub.publicKey, 'noble')).toBe(true);
  });

  it('refuses a device id that could break the note apart', () => {
    expect(() => checkpointNote({ hubKeyId: '0123456789abcdef', deviceId: 'a\nb', seq: 1, hash: GENESIS_HASH, hubTimeUnixNs: 1n })).toThrow(/signed note/);
  });
});

describe('holesAbove', () => {
  it('names the seqs missing between a checkpoint and the ranges above it, in any order, overlaps allowed', () => {
    expect(holesAbove(10, [])).toEqual([]);
    expect(holesAbove(10, [{ first: 11, last: 15 }])).toEqual([]);
    expect(holesAbove(10, [{ first: 20, last: 25 }, { first: 13, last: 15 }])).toEqual([{ first: 11, last: 12 }, { first: 16, last: 19 }]);
    expect(holesAbove(10, [{ first: 5, last: 12 }, { first: 12, last: 14 }, { first: 16, last: 16 }])).toEqual([{ first: 15, last: 15 }]);
  });
});
