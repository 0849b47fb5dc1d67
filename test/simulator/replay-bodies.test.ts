// What a replay captures per original record: content bodies as they are; boots, gaps and key rotations
// (whose seq and key claims belong to the original chain) as Markers that keep what they said.
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, GENESIS_HASH, type Body } from '../../proto/index.js';
import { REPLAY_MARKER, replayBody, replayStartMarker } from '../../simulator/replay/index.js';

const decoded = (seq: number, body: Body) => decodeRecord(encodeRecord({ deviceId: 'd', seq, timeUnixNs: 5n, monoNs: 1n, prevHash: GENESIS_HASH }, body));

describe('replay bodies', () => {
  it.each<[string, Body]>([
    ['conditions', { conditions: { lighting: { lux: 40 }, perceptionConfidence: 0.5 } }],
    ['decision', { decision: { verdict: 2, criteria: [{ name: 'min_lux', value: 40, comparator: 4, threshold: 100, pass: false }], riskLevel: 'medium' } }],
    ['handover', { handover: { handoverId: 'h', phase: 1, fromAuthority: 1, toAuthority: 2, decisionSeq: 9 } }],
    ['health', { health: { cpuLoadPct: 12 } }],
    ['marker', { marker: { kind: 'note', text: 'hello', severity: 1, tags: { a: 'b' } } }],
  ])('captures a %s body as it is', (_kind, body) => {
    const record = decoded(3, body);
    expect(replayBody(3, record)).toEqual({ [record.body!]: record[record.body as 'conditions'] });
  });

  it('turns a gap into a WARNING marker naming the original range', () => {
    const body = replayBody(40, decoded(40, { gap: { firstSeq: 10, lastSeq: 19, reason: 1, bytesLost: 4096, detail: 'quota' } }));
    expect(body).toEqual({
      marker: {
        kind: REPLAY_MARKER.GAP, severity: 2, text: 'original gap: seq 10..19 missing (quota)',
        tags: { original_seq: '40', first_seq: '10', last_seq: '19', reason: '1', bytes_lost: '4096' },
      },
    });
  });

  it('turns a boot and a key rotation into INFO markers keeping what they said', () => {
    const boot = replayBody(1, decoded(1, { boot: { agentVersion: '0.1.0', keyId: 'abcd', provenance: { source: 1, missionId: 'm' }, ackedThrough: 7, configHash: new Uint8Array([1, 2]) } }));
    expect(boot).toMatchObject({ marker: { kind: REPLAY_MARKER.BOOT, severity: 1, tags: { original_seq: '1', agent_version: '0.1.0', key_id: 'abcd', mission_id: 'm', acked_through: '7', config_hash: '0102' } } });
    const rotation = replayBody(8, decoded(8, { keyRotation: { oldKeyId: 'aa', newKeyId: 'bb', newPublicKey: new Uint8Array(32) } }));
    expect(rotation).toMatchObject({ marker: { kind: REPLAY_MARKER.KEY_ROTATION, text: 'original key rotation aa -> bb', tags: { old_key_id: 'aa', new_key_id: 'bb' } } });
  });

  it('opens a replay with a start marker saying what is replayed, from where, and whether it verified', () => {
    const start = replayStartMarker({ deviceId: 'ugv', source: 'outbox', path: '/x.db', firstSeq: 1, lastSeq: 9, verified: false, missionId: 'm', replayedAt: '2026-01-01T00:00:00.000Z' });
    expect(start).toEqual({
      marker: {
        kind: REPLAY_MARKER.START, severity: 2, text: 'replay of ugv seq 1..9 from outbox (UNVERIFIED)',
        tags: { original_device: 'ugv', original_first_seq: '1', original_last_seq: '9', source: 'outbox', source_path: '/x.db', verified: 'false', mission_id: 'm', replayed_at: '2026-01-01T00:00:00.000Z' },
      },
    });
  });
});
