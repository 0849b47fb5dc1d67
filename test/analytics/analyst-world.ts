// Seeded device histories (Boots with provenance, Conditions across levels and hours, decisions, handovers, an
// evicted range and its Gap record) sealed and committed through the hub's real verify and commit path.
import { decideSegment, route, segTopic } from '../../hub/ingest/index.js';
import type { HubStore } from '../../hub/store/index.js';
import { encodeRecord, encodeSegment, sha256, GENESIS_HASH, type Body, type DeviceKey } from '../../proto/index.js';
import { sealOver } from '../helpers/chain-builder.js';
import { seededRandom } from '../../simulator/prng.js';

export interface Rec {
  seq: number;
  timeMs: number;
  bytes: Uint8Array;
  hash: Uint8Array;
  prevHash: Uint8Array;
  body: Body;
}

/** Mulberry32 (the simulator's): small and seeded, so a failure reproduces. */
export const rng = seededRandom;

export class History {
  readonly records: Rec[] = [];
  constructor(readonly deviceId: string) {}

  append(body: Body, timeMs: number): Rec {
    const last = this.records[this.records.length - 1];
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const bytes = encodeRecord({ deviceId: this.deviceId, seq, timeUnixNs: BigInt(timeMs) * 1_000_000n, monoNs: BigInt(seq), prevHash }, body);
    const rec = { seq, timeMs, bytes, hash: sha256(bytes), prevHash, body };
    this.records.push(rec);
    return rec;
  }
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** A Conditions body whose fields span the default taxonomy's levels, some left unmeasured. */
export function randomConditions(r: () => number): Body {
  const maybe = <T>(v: T) => (r() < 0.9 ? v : undefined);
  return {
    conditions: {
      sourceId: 'test',
      weather: { precipitation: pick(r, [1, 1, 2, 3]), precipitationMmH: pick(r, [0, 1, 5, 10, 60]), visibilityM: maybe(pick(r, [500, 2000, 8000])) },
      lighting: { lux: maybe(pick(r, [0.5, 500, 20000])), glare: pick(r, [0, 0, 0.75]) },
      vibration: r() < 0.8 ? { rmsX: pick(r, [0.5, 2, 5]), rmsY: 0.5, rmsZ: pick(r, [1, 4]) } : undefined,
      occlusion: { fraction: pick(r, [0.05, 0.25, 0.75]) },
      gnss: { fix: pick(r, [1, 2, 3, 6]), hdop: maybe(pick(r, [0.75, 3])) },
      perceptionConfidence: r(),
    },
  };
}

function bootBody(source: number): Body {
  return { boot: { agentVersion: 'test', keyId: 'k', provenance: { source, missionId: 'm' } } };
}

/**
 * A device's history: Boot, then a mix of samples (steps of 0.2-9 s, so the cap matters), decisions, handover
 * phases and health, a restart with another source, and an evicted range explained by a later Gap record.
 * Returns the history and the seqs to withhold (the evicted range).
 */
export function randomHistory(deviceId: string, seed: number, n: number, sources: [number, number]): { history: History; evicted: Set<number> } {
  const r = rng(seed);
  const h = new History(deviceId);
  // start 10 minutes before an hour boundary, so buckets split
  let t = Date.UTC(2026, 0, 1, 9, 50) + Math.floor(r() * 1000);
  h.append(bootBody(sources[0]), t);
  const evicted = new Set<number>();
  let booted = false;
  let evictFirst = 0;
  let gapped = false;
  while (h.records.length < n) {
    t += 200 + Math.floor(r() * 8800);
    const x = r();
    const at = h.records.length;
    if (!booted && at >= Math.floor(n / 2)) {
      booted = true;
      h.append(bootBody(sources[1]), t);
    } else if (!evictFirst && at >= Math.floor(n * 0.6)) evictFirst = h.append(randomConditions(r), t).seq;
    else if (evictFirst && !gapped && at >= evictFirst + 7) {
      gapped = true;
      for (let s = evictFirst; s <= evictFirst + 5; s++) evicted.add(s);
      const first = h.records[evictFirst - 1];
      const last = h.records[evictFirst + 5 - 1];
      h.append({ gap: { firstSeq: evictFirst, lastSeq: last.seq, reason: 1, firstPrevHash: first.prevHash, lastHash: last.hash, bytesLost: 1, detail: 'test' } }, t);
    } else if (x < 0.6) h.append(randomConditions(r), t);
    else if (x < 0.75) h.append({ decision: { verdict: pick(r, [1, 2]), criteriaVersion: 'v1' } }, t);
    else if (x < 0.85) {
      h.append({ handover: { handoverId: `h${at}`, phase: 1, initiator: 1 } }, t);
      t += 300;
      h.append({ handover: { handoverId: `h${at}`, phase: pick(r, [2, 3]), initiator: 1 } }, t);
    } else h.append({ health: { cpuLoadPct: 10 } }, t);
  }
  return { history: h, evicted };
}

/** The history's records cut into segments of 1-8 records, skipping withheld seqs, each sealed by `key`. */
export function segmentsOf(h: History, key: DeviceKey, seed: number, withheld: Set<number> = new Set()): Uint8Array[] {
  const r = rng(seed);
  const out: Uint8Array[] = [];
  let run: Rec[] = [];
  const flush = () => {
    if (run.length) out.push(encodeSegment(run.map((x) => x.bytes), sealOver(run.map((x) => x.bytes), key)));
    run = [];
  };
  let size = 1 + Math.floor(r() * 8);
  for (const rec of h.records) {
    if (withheld.has(rec.seq)) {
      flush();
      continue;
    }
    run.push(rec);
    if (run.length >= size) {
      flush();
      size = 1 + Math.floor(r() * 8);
    }
  }
  flush();
  return out;
}

/** Verifies and commits segments through the hub's own route + commitSegments path; throws on a rejection. */
export async function ingest(store: HubStore, deviceId: string, payloads: Uint8Array[]): Promise<void> {
  const limits = { maxPayloadBytes: 1 << 20, maxRecordsPerSegment: 10_000 };
  const segments = [];
  for (const p of payloads) {
    const routed = await route(store, limits, segTopic(deviceId), p, Date.now());
    if (routed.kind !== 'segment') throw new Error(`not a segment: ${routed.kind}`);
    segments.push(routed.segment);
  }
  const results = await store.commitSegments(segments, decideSegment);
  for (const res of results) if (!res.verdict.ok) throw new Error(`rejected: ${res.verdict.code} ${res.verdict.message}`);
}
