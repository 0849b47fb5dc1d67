// A hub store holding `records` sealed records over a few devices, built straight through the store's commit path
// (seals made here, 500 records a segment, a decision every 50th record): the input of the evidence benchmark.
import { join } from 'node:path';
import { decideSegment, openStore, type HubStore } from '../../hub/index.js';
import type { SegmentToStore } from '../../hub/store/index.js';
import {
  createSeal, encodeBody, encodeRecordWithBody, encodeSegment, sha256, GENESIS_HASH, type Body, type DeviceKey, type EncodedBody,
} from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { conditionsBody } from './bodies.js';

const PER_SEGMENT = 500;
const BATCH = 32;

export interface EvidenceStore {
  path: string;
  records: number;
  hubKey: DeviceKey;
}

const decision = (i: number): Body => ({
  decision: {
    verdict: i % 3 === 0 ? 2 : 1, criteriaVersion: 'v3', modelId: 'det', modelVersion: '1.2', confidence: 0.8, trigger: 1,
    criteria: [{ name: 'visibility_m', value: 850 + (i % 300), comparator: 4, threshold: 1000, pass: i % 3 !== 0, unit: 'm' }],
  },
});

export async function buildEvidenceStore(dir: string, name: string, records: number, devices = 4, log: (l: string) => void = () => {}): Promise<EvidenceStore> {
  const path = join(dir, `${name}.db`);
  const store = await openStore({ driver: 'sqlite', path });
  const bodies: EncodedBody[] = Array.from({ length: 1000 }, (_, i) => encodeBody(conditionsBody(i)));
  const decisions: EncodedBody[] = Array.from({ length: 30 }, (_, i) => encodeBody(decision(i)));
  const boot = encodeBody({ boot: { agentVersion: 'bench', keyId: '', provenance: { source: 1, missionId: 'bench' } } });
  try {
    const t0 = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;
    for (let d = 0; d < devices; d++) {
      const deviceId = `uav-evidence-${d}`;
      const key = await generateDeviceKey();
      await store.addDeviceKey(deviceId, key.keyId, key.publicKey, 'bench');
      const count = Math.floor(records / devices) + (d < records % devices ? 1 : 0);
      let prev: Uint8Array = GENESIS_HASH;
      let batch: SegmentToStore[] = [];
      for (let first = 1; first <= count; first += PER_SEGMENT) {
        const last = Math.min(count, first + PER_SEGMENT - 1);
        const bytes: Uint8Array[] = [];
        const rows: SegmentToStore['records'] = [];
        const firstPrev = prev;
        for (let seq = first; seq <= last; seq++) {
          const body = seq === 1 ? boot : seq % 50 === 0 ? decisions[seq % 30] : bodies[seq % 1000];
          const timeUnixNs = t0 + BigInt(seq) * 100_000_000n;
          const r = encodeRecordWithBody({ deviceId, seq, timeUnixNs, monoNs: BigInt(seq), prevHash: prev }, body);
          prev = sha256(r);
          bytes.push(r);
          rows.push({ seq, kind: seq === 1 ? 'boot' : seq % 50 === 0 ? 'decision' : 'conditions', timeMs: Number(timeUnixNs / 1_000_000n) });
        }
        const seal = createSeal({ deviceId, keyId: key.keyId, firstSeq: first, lastSeq: last, lastHash: prev }, key.secretKey);
        batch.push({
          deviceId, firstSeq: first, lastSeq: last, keyId: key.keyId, firstPrevHash: firstPrev, lastHash: prev, raw: encodeSegment(bytes, seal),
          receivedMs: Date.now(), records: rows, gaps: [], rotatedKeys: [],
        });
        if (batch.length === BATCH || last === count) {
          const results = await store.commitSegments(batch, decideSegment);
          const bad = results.find((r) => !r.verdict.ok);
          if (bad) throw new Error(`evidence store: ${JSON.stringify(bad.verdict)}`);
          batch = [];
        }
      }
      log(`store ${name}: device ${d + 1}/${devices}, ${count} records`);
    }
    return { path, records, hubKey: await generateDeviceKey() };
  } finally {
    await store.close();
  }
}

export async function openEvidenceStore(path: string): Promise<HubStore> {
  return openStore({ driver: 'sqlite', path });
}
