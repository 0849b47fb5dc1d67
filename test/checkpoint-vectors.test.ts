// The hub's signed statements against the published vectors in test/vectors/checkpoint.json (docs/wire.md):
// exact statement bytes, deterministic signatures, and verification on both Ed25519 backends.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  beyondStatement, checkpointNote, fromHex, keyIdOf, publicKeyOf, signBeyond, signCheckpoint, toHex, verify, type CheckpointFields,
} from '../proto/index.js';

const v = JSON.parse(readFileSync(new URL('./vectors/checkpoint.json', import.meta.url), 'utf8')) as {
  hubSecretKey: string; hubPublicKey: string; hubKeyId: string;
  checkpoint: { deviceId: string; seq: number; hash: string; hubTimeUnixNs: string; note: string; signature: string };
  storedBeyond: { ranges: { first: number; last: number; lastHash: string }[]; statement: string; signature: string };
};
const secret = fromHex(v.hubSecretKey);
const cp: CheckpointFields = {
  hubKeyId: v.hubKeyId, deviceId: v.checkpoint.deviceId, seq: v.checkpoint.seq, hash: fromHex(v.checkpoint.hash), hubTimeUnixNs: BigInt(v.checkpoint.hubTimeUnixNs),
};
const ranges = v.storedBeyond.ranges.map((r) => ({ first: r.first, last: r.last, lastHash: fromHex(r.lastHash) }));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('checkpoint vectors', () => {
  it('the hub key and its id', async () => {
    expect(toHex(await publicKeyOf(secret))).toBe(v.hubPublicKey);
    expect(keyIdOf(fromHex(v.hubPublicKey))).toBe(v.hubKeyId);
  });

  it('the checkpoint note, byte for byte, and its signature', async () => {
    expect(text(checkpointNote(cp))).toBe(v.checkpoint.note);
    expect(toHex(signCheckpoint(cp, secret).signature as Uint8Array)).toBe(v.checkpoint.signature);
    for (const backend of ['node', 'noble'] as const) {
      expect(await verify(fromHex(v.checkpoint.signature), new TextEncoder().encode(v.checkpoint.note), fromHex(v.hubPublicKey), backend)).toBe(true);
    }
  });

  it('the stored_beyond statement, bound to its checkpoint, and its signature', async () => {
    expect(text(beyondStatement(cp, ranges))).toBe(v.storedBeyond.statement);
    expect(toHex(signBeyond(cp, ranges, secret))).toBe(v.storedBeyond.signature);
    for (const backend of ['node', 'noble'] as const) {
      expect(await verify(fromHex(v.storedBeyond.signature), new TextEncoder().encode(v.storedBeyond.statement), fromHex(v.hubPublicKey), backend)).toBe(true);
      // The same ranges under another checkpoint are another statement: the signature does not carry over.
      const other = beyondStatement({ ...cp, seq: cp.seq - 1 }, ranges);
      expect(await verify(fromHex(v.storedBeyond.signature), other, fromHex(v.hubPublicKey), backend)).toBe(false);
    }
  });
});
