// Chain checks (verifySegment, verifyChain): valid chains pass; altered, dropped, reordered and resealed
// records fail at the exact seq; holes pass only when Gap claims splice the chain across them.
import { describe, expect, it } from 'vitest';
import {
  KeyRing, decodeSeal, encodeSeal, gapsExplain, keyIdOf, verifyChain, verifySegment,
  type DeviceKey, type GapClaim, type SealMessage,
} from '../proto/index.js';
import { ChainBuilder, flipped, gapBody, sealOver, segmentsOf } from './helpers/chain-builder.js';
import { testKey } from './helpers/keys.js';

const DEVICE = 'ugv-01';
const key = await testKey(1);
const otherKey = await testKey(2);
const trusted = () => new KeyRing([key.publicKey]);

/** Records 1..15 sealed as [1..5] [6..10] [11..15]. */
function threeSegments() {
  const chain = new ChainBuilder(DEVICE).appendMany(15);
  return { chain, segments: segmentsOf(chain, key, 1, 15, 5) };
}

function firstProblem(records: Uint8Array[], seal: SealMessage, keys = trusted()) {
  const result = verifySegment(records, seal, keys, DEVICE);
  expect(result.segment).toBeUndefined();
  expect(result.problems).toHaveLength(1);
  return result.problems[0];
}

describe('verifySegment', () => {
  it('accepts a valid segment and returns every record with its seq and hash', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(5);
    const records = chain.bytes(1, 5);
    const result = verifySegment(records, sealOver(records, key), trusted(), DEVICE);
    expect(result.problems).toEqual([]);
    expect(result.segment?.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(result.segment?.keyId).toBe(key.keyId);
  });

  it('names the exact seq of a flipped byte, wherever it is in the segment and in the record', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(15);
    const records = chain.bytes(6, 10);
    const seal = sealOver(records, key);
    for (let i = 0; i < records.length; i++) {
      for (const at of [0, 3, 10, 20, 40, records[i].length - 1]) {
        const tampered = records.slice();
        tampered[i] = flipped(records[i], at);
        expect(firstProblem(tampered, seal), `record ${i}, byte ${at}`).toMatchObject({ seq: 6 + i, code: 'BAD_HASH' });
      }
    }
  });

  it('names the exact seq of a dropped record', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(10);
    const records = chain.bytes(6, 10);
    const seal = sealOver(records, key);
    for (let i = 0; i < records.length; i++) {
      const dropped = records.filter((_, j) => j !== i);
      const problem = firstProblem(dropped, seal);
      expect(problem, `dropping seq ${6 + i}`).toMatchObject({ seq: 6 + i, code: 'SEAL_RANGE' });
      expect(problem.message).toContain('6..10');
    }
    expect(firstProblem([], seal)).toMatchObject({ seq: 6, code: 'SEAL_RANGE' });
    expect(firstProblem([records[0], records[1], records[4]], seal)).toMatchObject({ seq: 8, code: 'SEAL_RANGE' });
  });

  it('names the first seq that holds the wrong record when records are reordered', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(5);
    const records = chain.bytes(1, 5);
    const seal = sealOver(records, key);
    const swap = (a: number, b: number) => {
      const out = records.slice();
      [out[a - 1], out[b - 1]] = [out[b - 1], out[a - 1]];
      return out;
    };
    expect(firstProblem(swap(2, 3), seal)).toMatchObject({ seq: 2, code: 'BAD_HASH' });
    expect(firstProblem(swap(1, 5), seal)).toMatchObject({ seq: 1, code: 'BAD_HASH' });
    expect(firstProblem(swap(2, 4), seal)).toMatchObject({ seq: 2, code: 'BAD_HASH' });
    expect(firstProblem(swap(4, 5), seal)).toMatchObject({ seq: 4, code: 'BAD_HASH' });
    expect(firstProblem(records.slice().reverse(), seal)).toMatchObject({ seq: 1, code: 'BAD_HASH' });
  });

  it('names the seq where a duplicated record sits', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(5);
    const records = chain.bytes(1, 5);
    const seal = sealOver(records, key);
    const withDuplicate = [records[0], records[1], records[1], records[2], records[3], records[4]];
    expect(firstProblem(withDuplicate, seal)).toMatchObject({ seq: 3, code: 'SEAL_RANGE' });
  });

  it('refuses a reseal with a key that is not trusted (UNKNOWN_KEY)', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(10);
    const records = chain.bytes(6, 10);
    const problem = firstProblem(records, sealOver(records, otherKey));
    expect(problem).toMatchObject({ seq: 6, code: 'UNKNOWN_KEY' });
    expect(problem.message).toContain(otherKey.keyId);
  });

  it('refuses a seal that claims a trusted key id but was signed by another key (BAD_SEAL)', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(5);
    const records = chain.bytes(1, 5);
    expect(firstProblem(records, sealOver(records, otherKey, { keyId: key.keyId }))).toMatchObject({ seq: 1, code: 'BAD_SEAL' });
    const seal = sealOver(records, key);
    const badSignature = decodeSeal(encodeSeal({ ...seal, signature: flipped(seal.signature, 10) }));
    expect(firstProblem(records, badSignature)).toMatchObject({ seq: 1, code: 'BAD_SEAL' });
    expect(verifySegment(records, undefined, trusted())).toMatchObject({ problems: [{ code: 'BAD_SEAL' }] });
  });

  it('refuses a seal whose range does not match the records (SEAL_RANGE)', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(5);
    const records = chain.bytes(1, 5);
    expect(firstProblem(records, sealOver(records, key, { lastSeq: 6 }))).toMatchObject({ code: 'SEAL_RANGE' });
    expect(firstProblem(records, sealOver(records, key, { firstSeq: 0, lastSeq: 4 }))).toMatchObject({ code: 'SEAL_RANGE' });
  });

  it('refuses records renumbered under a valid seal (SEQ_ORDER)', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(5);
    const records = chain.bytes(1, 5);
    expect(firstProblem(records, sealOver(records, key, { firstSeq: 2, lastSeq: 6 }))).toMatchObject({ seq: 6, code: 'SEQ_ORDER' });
  });

  it('refuses another device\'s seal or records (WRONG_DEVICE)', () => {
    const other = new ChainBuilder('ugv-02').appendMany(3);
    const records = other.bytes(1, 3);
    expect(firstProblem(records, sealOver(records, key))).toMatchObject({ seq: 1, code: 'WRONG_DEVICE' });
    // The seal names our device but the records name another: caught at the record.
    expect(firstProblem(records, sealOver(records, key, { deviceId: DEVICE }))).toMatchObject({ seq: 3, code: 'WRONG_DEVICE' });
  });
});

describe('verifyChain', () => {
  it('accepts a valid chain of several segments plus an unsealed tail', () => {
    const { chain, segments } = threeSegments();
    chain.appendMany(2);
    const report = verifyChain({ deviceId: DEVICE, segments, unsealed: chain.bytes(16, 17), keys: trusted() });
    expect(report).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 17, records: 17, segments: 3, unsealed: 2, problems: [] });
    expect(report.firstBadSeq).toBeUndefined();
  });

  it('reports a flipped byte at exactly its seq and nothing else', () => {
    const { segments } = threeSegments();
    segments[1].records[1] = flipped(segments[1].records[1]);
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(7);
    expect(report.problems).toMatchObject([{ seq: 7, code: 'BAD_HASH' }]);
  });

  it('reports a record dropped from a segment at its seq', () => {
    const { segments } = threeSegments();
    segments[1].records.splice(2, 1);
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.firstBadSeq).toBe(8);
  });

  it('reports a dropped segment as an unexplained gap at its first seq', () => {
    const { segments } = threeSegments();
    segments.splice(1, 1);
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.problems).toMatchObject([{ seq: 6, code: 'UNEXPLAINED_GAP' }]);
    expect(report.problems[0].message).toBe('seq 6..10 missing and no Gap record accounts for them');
  });

  it('reports segments delivered out of order', () => {
    const { segments } = threeSegments();
    const report = verifyChain({ deviceId: DEVICE, segments: [segments[0], segments[2], segments[1]], keys: trusted() });
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(6);
    expect(report.problems.map((p) => p.code)).toContain('SEQ_ORDER');
  });

  it('reports records swapped across a segment boundary in both segments', () => {
    const { segments } = threeSegments();
    [segments[0].records[4], segments[1].records[0]] = [segments[1].records[0], segments[0].records[4]];
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.problems.map((p) => [p.seq, p.code])).toEqual([[5, 'BAD_HASH'], [6, 'BAD_HASH']]);
  });

  it('reports a segment resealed with an untrusted key as UNKNOWN_KEY', () => {
    const { chain, segments } = threeSegments();
    segments[1].seal = sealOver(chain.bytes(6, 10), otherKey);
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.problems).toMatchObject([{ seq: 6, code: 'UNKNOWN_KEY' }]);
  });

  it('catches altered content resealed with a trusted-but-different key where it stops linking', () => {
    const { chain, segments } = threeSegments();
    // The forger rewrites seq 8..10 and reseals 6..10 with a key the verifier also trusts.
    const forged = new ChainBuilder(DEVICE);
    forged.records.push(...chain.records.slice(0, 7));
    forged.append({ marker: { kind: 'forged', text: 'never happened' } });
    forged.appendMany(2);
    const records = forged.bytes(6, 10);
    segments[1] = { records, seal: sealOver(records, otherKey) };
    const keys = new KeyRing([key.publicKey, otherKey.publicKey]);
    const report = verifyChain({ deviceId: DEVICE, segments, keys });
    expect(report.problems).toMatchObject([{ seq: 11, code: 'BROKEN_LINK' }]);
  });

  it('checks the first record against the base (the last acknowledged record)', () => {
    const { chain, segments } = threeSegments();
    const later = segments.slice(1);
    expect(verifyChain({ deviceId: DEVICE, base: { seq: 5, hash: chain.hashOf(5) }, segments: later, keys: trusted() }).ok).toBe(true);
    const wrongBase = verifyChain({ deviceId: DEVICE, base: { seq: 5, hash: chain.hashOf(4) }, segments: later, keys: trusted() });
    expect(wrongBase.problems).toMatchObject([{ seq: 6, code: 'BROKEN_LINK' }]);
  });

  it('reports a broken link in the unsealed tail', () => {
    const { chain, segments } = threeSegments();
    chain.appendMany(3);
    const tail = chain.bytes(16, 18);
    const report = verifyChain({ deviceId: DEVICE, segments, unsealed: [tail[0], tail[2]], keys: trusted() });
    expect(report.problems).toMatchObject([{ seq: 17, code: 'UNEXPLAINED_GAP' }]);
    const forged = new ChainBuilder(DEVICE);
    forged.records.push(...chain.records.slice(0, 15));
    forged.append({ marker: { kind: 'forged' } });
    forged.append();
    const report2 = verifyChain({ deviceId: DEVICE, segments, unsealed: [tail[0], forged.records[16].bytes], keys: trusted() });
    expect(report2.problems).toMatchObject([{ seq: 17, code: 'BROKEN_LINK' }]);
  });

  it('trusts a key introduced by a sealed KeyRotation record, and only then', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(4);
    chain.append({ keyRotation: { oldKeyId: key.keyId, newKeyId: otherKey.keyId, newPublicKey: otherKey.publicKey, reason: 'scheduled' } });
    chain.appendMany(5);
    const before = segmentsOf(chain, key, 1, 5, 5);
    const after = segmentsOf(chain, otherKey, 6, 10, 5);
    expect(verifyChain({ deviceId: DEVICE, segments: [...before, ...after], keys: trusted() }).ok).toBe(true);
    expect(verifyChain({ deviceId: DEVICE, segments: after, base: { seq: 5, hash: chain.hashOf(5) }, keys: trusted() }).problems)
      .toMatchObject([{ seq: 6, code: 'UNKNOWN_KEY' }]);
  });

  it('ignores a KeyRotation whose key id does not match its key', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(4);
    chain.append({ keyRotation: { oldKeyId: key.keyId, newKeyId: keyIdOf(key.publicKey), newPublicKey: otherKey.publicKey } });
    chain.appendMany(5);
    const segments = [...segmentsOf(chain, key, 1, 5, 5), ...segmentsOf(chain, otherKey, 6, 10, 5)];
    expect(verifyChain({ deviceId: DEVICE, segments, keys: trusted() }).problems).toMatchObject([{ seq: 6, code: 'UNKNOWN_KEY' }]);
  });
});

describe('holes and Gap records', () => {
  /** Records 1..20 of which 6..10 and 11..15 were evicted; Gap records follow at 21 and 22. */
  function evicted(gaps: (chain: ChainBuilder) => void, key2: DeviceKey = key) {
    const chain = new ChainBuilder(DEVICE).appendMany(20);
    gaps(chain);
    const segments = [...segmentsOf(chain, key, 1, 5, 5), ...segmentsOf(chain, key, 16, 20, 5)];
    if (chain.head.seq > 20) segments.push(...segmentsOf(chain, key2, 21, chain.head.seq, 1));
    return { chain, segments };
  }

  it('a hole explained by one Gap record passes and is listed', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(15);
    chain.append(gapBody(chain, 6, 10));
    const segments = [...segmentsOf(chain, key, 1, 5, 5), ...segmentsOf(chain, key, 11, 16, 6)];
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.ok).toBe(true);
    expect(report.explainedGaps.map((g) => [g.firstSeq, g.lastSeq])).toEqual([[6, 10]]);
  });

  it('a hole explained by two adjacent Gap records passes', () => {
    const { segments } = evicted((chain) => {
      chain.append(gapBody(chain, 6, 10));
      chain.append(gapBody(chain, 11, 15));
    });
    const report = verifyChain({ deviceId: DEVICE, segments, keys: trusted() });
    expect(report.problems).toEqual([]);
    expect(report.explainedGaps.map((g) => [g.firstSeq, g.lastSeq])).toEqual([[6, 10], [11, 15]]);
  });

  it('a hole with no Gap record is an UNEXPLAINED_GAP at its first seq', () => {
    const { segments } = evicted(() => undefined);
    expect(verifyChain({ deviceId: DEVICE, segments, keys: trusted() }).problems)
      .toMatchObject([{ seq: 6, code: 'UNEXPLAINED_GAP', message: 'seq 6..15 missing and no Gap record accounts for them' }]);
  });

  it.each([
    ['covers only part of the hole', (c: ChainBuilder) => { c.append(gapBody(c, 6, 10)); }],
    ['claims a range one short', (c: ChainBuilder) => { c.append(gapBody(c, 6, 14)); }],
    ['has the wrong first prev_hash', (c: ChainBuilder) => { c.append(gapBody(c, 6, 15, { firstPrevHash: c.hashOf(3) })); }],
    ['has the wrong last hash', (c: ChainBuilder) => { c.append(gapBody(c, 6, 15, { lastHash: c.hashOf(14) })); }],
    ['is two claims that do not splice', (c: ChainBuilder) => { c.append(gapBody(c, 6, 10)); c.append(gapBody(c, 11, 15, { firstPrevHash: c.hashOf(9) })); }],
  ])('a Gap record that %s does not explain the hole', (_what, gaps) => {
    const { segments } = evicted(gaps);
    expect(verifyChain({ deviceId: DEVICE, segments, keys: trusted() }).problems).toMatchObject([{ seq: 6, code: 'UNEXPLAINED_GAP' }]);
  });

  it('a Gap record in the unsealed tail explains nothing (it is not yet signed)', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(15);
    chain.append(gapBody(chain, 6, 10));
    const segments = [...segmentsOf(chain, key, 1, 5, 5), ...segmentsOf(chain, key, 11, 15, 5)];
    const report = verifyChain({ deviceId: DEVICE, segments, unsealed: chain.bytes(16, 16), keys: trusted() });
    expect(report.problems).toMatchObject([{ seq: 6, code: 'UNEXPLAINED_GAP' }]);
  });

  it('gapsExplain splices claims back to back by hash', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(12);
    const claim = (first: number, last: number): GapClaim => ({
      firstSeq: first, lastSeq: last, firstPrevHash: chain.records[first - 1].prevHash, lastHash: chain.hashOf(last), reason: 1, recordSeq: 13,
    });
    const hole = { first: 3, last: 10, hashBefore: chain.hashOf(2), prevHashAfter: chain.records[10].prevHash };
    expect(gapsExplain([claim(3, 10)], hole)).toBe(true);
    expect(gapsExplain([claim(7, 10), claim(3, 6)], hole)).toBe(true);
    expect(gapsExplain([claim(3, 4), claim(5, 5), claim(6, 10)], hole)).toBe(true);
    expect(gapsExplain([claim(3, 6)], hole)).toBe(false);
    expect(gapsExplain([claim(3, 11)], hole)).toBe(false);
    expect(gapsExplain([claim(3, 6), claim(8, 10)], hole)).toBe(false);
    expect(gapsExplain([], hole)).toBe(false);
  });

  it('gapsExplain takes a range a Fork record abandoned without hashes, over the part of the hole it covers', () => {
    const chain = new ChainBuilder(DEVICE).appendMany(12);
    const abandoned = (first: number, last: number): GapClaim => ({
      firstSeq: first, lastSeq: last, firstPrevHash: new Uint8Array(0), lastHash: new Uint8Array(0), reason: 4, recordSeq: 13, unspliced: true,
    });
    const spliced = (first: number, last: number): GapClaim => ({
      firstSeq: first, lastSeq: last, firstPrevHash: chain.records[first - 1].prevHash, lastHash: chain.hashOf(last), reason: 1, recordSeq: 13,
    });
    const hole = { first: 3, last: 10, hashBefore: chain.hashOf(2), prevHashAfter: chain.records[10].prevHash };
    expect(gapsExplain([abandoned(3, 10)], hole)).toBe(true);
    expect(gapsExplain([abandoned(1, 12)], hole)).toBe(true); // reaches over seqs stored later
    expect(gapsExplain([spliced(3, 6), abandoned(7, 10)], hole)).toBe(true);
    expect(gapsExplain([abandoned(3, 6)], hole)).toBe(false);
    expect(gapsExplain([abandoned(4, 10)], hole)).toBe(false);
    // After an abandoned range no hash is known there, so the next claim's first_prev_hash is taken as it is.
    expect(gapsExplain([abandoned(3, 5), { ...spliced(6, 10), firstPrevHash: chain.hashOf(1) }], hole)).toBe(true);
  });
});
