// A fleet's sealed segments for the analytics and report benchmarks: four vehicles (two in the field, two in
// simulation), each a seeded chain of Conditions at 10 Hz with every field the default taxonomy reads, a go/no-go
// every second (config/agent.example.yaml's medium level), a handover at each go <-> no-go change and a Boot per run,
// encoded, hashed, linked and sealed as the agent's outbox does. Also the two ways to put them in a hub store.
import { decideSegment, prepareSegment, type HubStore, type SegmentLimits } from '../../hub/index.js';
import type { RecordToStore, SegmentToStore } from '../../hub/store/index.js';
import { createSeal, encodeRecord, encodeSegment, fromBigInt, sha256, GENESIS_HASH, type Body, type Conditions, type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { seededRandom, type Random } from '../../simulator/prng.js';

/** What the hub commits per transaction at most (hub/hub.ts BATCH_SEGMENTS), as ingest.bench.ts. */
export const BATCH = 64;
const LIMITS: SegmentLimits = { maxPayloadBytes: 16 * 1024 * 1024, maxRecordsPerSegment: 100_000 };
/** The agent's seal.max_records; a handover or a no-go decision seals at once (the age limit is left out: a backlog). */
const SEAL_RECORDS = 1000;

/** A sealed segment as the agent sends it, and as prepareSegment would hand it to the store (to fill a store without re-verifying). */
export interface FleetSegment { deviceId: string; payload: Uint8Array; records: number; stored: SegmentToStore }

type Level = readonly [name: string, field: number, simulation: number];
/** Weights per level: field vehicles mostly in fair conditions (no-go about a sixth of the time), simulation sweeping adverse ones more. */
const LEVELS = {
  weather: [['clear', 50, 20], ['mist', 15, 15], ['fog', 3, 10], ['drizzle', 12, 15], ['rain', 10, 15], ['heavy_rain', 4, 10], ['snow', 6, 15]],
  lighting: [['day', 70, 40], ['dusk', 20, 25], ['night', 5, 15], ['glare', 5, 20]],
  vibration: [['low', 65, 50], ['med', 32, 35], ['high', 3, 15]],
  occlusion: [['none', 75, 55], ['partial', 22, 35], ['heavy', 3, 10]],
  gnss: [['good', 91, 80], ['degraded', 8, 15], ['denied', 1, 5]],
} satisfies Record<string, Level[]>;
type Regime = { [D in keyof typeof LEVELS]: string } & { untilMs: number };

/** One vehicle's chain: records encoded, hashed and linked as the agent's outbox does, sealed by its key. */
class DeviceFeed {
  private seq = 0;
  private prev = GENESIS_HASH;
  private pending: Uint8Array[] = [];
  private pendingRows: RecordToStore[] = [];
  private pendingPrev = GENESIS_HASH;
  private regime!: Regime;
  private nextDecisionMs: number;
  private nogo = false;
  private accept: { atMs: number; body: Body } | null = null;
  private handovers = 0;
  private readonly r: Random;

  constructor(readonly deviceId: string, readonly key: DeviceKey, private readonly source: 1 | 2, seed: number, private t: number) {
    this.r = seededRandom(seed);
    this.nextDecisionMs = t + 1000;
  }

  /** Appends about `count` records (a Boot first, after a restart) and seals what is left; pushes the segments. */
  run(count: number, out: FleetSegment[]): void {
    const stop = this.seq + count;
    this.append(bootBody(this.source, this.key.keyId, this.seq), false, out);
    while (this.seq < stop) {
      if (!this.regime || this.t >= this.regime.untilMs) this.regime = this.nextRegime();
      const c = this.sample();
      this.append({ conditions: c }, false, out);
      if (this.accept && this.t >= this.accept.atMs) {
        this.append(this.accept.body, true, out);
        this.accept = null;
      }
      if (this.t >= this.nextDecisionMs) {
        this.nextDecisionMs += 1000;
        this.decide(c, out);
      }
      this.t += 95 + Math.floor(this.r() * 10);
    }
    this.seal(out);
    this.t += 60_000; // the next run is a restart a minute later
  }

  private append(body: Body, critical: boolean, out: FleetSegment[]): void {
    this.seq++;
    const bytes = encodeRecord({ deviceId: this.deviceId, seq: this.seq, timeUnixNs: BigInt(this.t) * 1_000_000n, monoNs: BigInt(this.seq) * 100_000_000n, prevHash: this.prev }, body);
    if (!this.pending.length) this.pendingPrev = this.prev;
    this.pending.push(bytes);
    this.pendingRows.push({ seq: this.seq, kind: Object.keys(body)[0], timeMs: this.t });
    this.prev = sha256(bytes);
    if (critical || this.pending.length >= SEAL_RECORDS) this.seal(out);
  }

  private seal(out: FleetSegment[]): void {
    if (!this.pending.length) return;
    const firstSeq = this.seq - this.pending.length + 1;
    const seal = createSeal({ deviceId: this.deviceId, keyId: this.key.keyId, firstSeq, lastSeq: this.seq, lastHash: this.prev }, this.key.secretKey);
    const payload = encodeSegment(this.pending, seal);
    out.push({
      deviceId: this.deviceId, payload, records: this.pending.length,
      stored: {
        deviceId: this.deviceId, firstSeq, lastSeq: this.seq, keyId: this.key.keyId, firstPrevHash: this.pendingPrev, lastHash: this.prev, raw: payload,
        receivedMs: this.t, records: this.pendingRows, gaps: [], rotatedKeys: [],
      },
    });
    this.pending = [];
    this.pendingRows = [];
  }

  private nextRegime(): Regime {
    const w = this.source === 1 ? 1 : 2;
    const pick = (levels: readonly Level[]) => {
      let x = this.r() * levels.reduce((s, l) => s + l[w], 0);
      for (const l of levels) if ((x -= l[w]) < 0) return l[0];
      return levels[0][0];
    };
    const weather = pick(LEVELS.weather);
    let lighting = pick(LEVELS.lighting);
    if (lighting === 'glare' && !['clear', 'mist', 'drizzle'].includes(weather)) lighting = 'day'; // the taxonomy's constraint
    return {
      weather, lighting, vibration: pick(LEVELS.vibration), occlusion: pick(LEVELS.occlusion), gnss: pick(LEVELS.gnss),
      untilMs: this.t + 30_000 + Math.floor(this.r() * 270_000),
    };
  }

  private sample(): Conditions {
    const r = this.r;
    const u = (lo: number, hi: number) => lo + r() * (hi - lo);
    const g = this.regime;
    const wet = { drizzle: [0.3, 2.4], rain: [2.6, 7.5], heavy_rain: [8, 45], snow: [0.5, 4] }[g.weather as 'rain'];
    const visibility = { clear: [6000, 20000], mist: [1200, 4800], fog: [150, 950], heavy_rain: [800, 3000], snow: [500, 3000] }[g.weather as 'clear'] ?? [3000, 9000];
    const lux = { day: [3000, 90000], dusk: [60, 1800], night: [0.01, 0.9], glare: [20000, 100000] }[g.lighting as 'day'];
    const rms = { low: [0.3, 1], med: [1.6, 3], high: [4, 6] }[g.vibration as 'low'];
    const occluded = { none: [0, 0.12], partial: [0.18, 0.45], heavy: [0.55, 0.9] }[g.occlusion as 'none'];
    const bad = (g.weather === 'fog' || g.weather === 'heavy_rain' ? 0.15 : 0) + (g.lighting === 'night' ? 0.35 : 0) + (g.vibration === 'high' ? 0.1 : 0)
      + (g.occlusion === 'heavy' ? 0.3 : g.occlusion === 'partial' ? 0.08 : 0);
    return {
      sourceId: 'fusion',
      weather: {
        precipitation: wet ? (g.weather === 'snow' ? 3 : 2) : 1, precipitationMmH: wet ? u(wet[0], wet[1]) : 0,
        visibilityM: r() < 0.01 ? undefined : u(visibility[0], visibility[1]), fogDensity: g.weather === 'fog' ? u(0.55, 0.85) : u(0, 0.1),
        temperatureC: u(2, 18), windSpeedMS: u(0, 9), humidityPct: u(40, 98),
      },
      lighting: { lux: u(lux[0], lux[1]), sunElevationDeg: u(-20, 60), glare: g.lighting === 'glare' ? u(0.55, 0.95) : u(0, 0.3) },
      vibration: { rmsX: u(rms[0], rms[1]), rmsY: u(rms[0], rms[1]), rmsZ: u(rms[0], rms[1]) },
      occlusion: { fraction: u(occluded[0], occluded[1]), cause: g.occlusion === 'none' ? 1 : 2, sensor: 'cam0' },
      gnss: {
        fix: g.gnss === 'denied' ? 1 : g.gnss === 'degraded' ? 3 : 4 + Math.floor(r() * 3), satellites: 4 + Math.floor(r() * 16),
        hdop: g.gnss === 'denied' ? undefined : g.gnss === 'good' ? u(0.6, 1.8) : u(2.2, 6),
        latitudeDeg: 47.39 + r() * 0.01, longitudeDeg: 8.54 + r() * 0.01, altitudeM: u(400, 520), speedMS: u(0, 12),
      },
      perceptionConfidence: Math.min(0.99, Math.max(0.05, 0.95 - bad + u(-0.05, 0.05))),
      measurements: [{ name: 'batt', value: u(21, 25), unit: 'V' }, { name: 'motor', value: u(35, 70), unit: 'C' }],
    };
  }

  /** The medium risk level of config/agent.example.yaml; a change of verdict asks for (and gets) a handover. */
  private decide(c: Conditions, out: FleetSegment[]): void {
    const v = c.vibration!;
    const criteria = [
      { name: 'min_confidence', value: c.perceptionConfidence!, comparator: 4, threshold: 0.7 },
      { name: 'max_fog_density', value: c.weather!.fogDensity!, comparator: 2, threshold: 0.5 },
      { name: 'min_lux', value: c.lighting!.lux!, comparator: 4, threshold: 50 },
      { name: 'max_vibration_rms', value: Math.hypot(v.rmsX!, v.rmsY!, v.rmsZ!), comparator: 2, threshold: 5 },
      { name: 'min_gnss_fix', value: c.gnss!.fix!, comparator: 4, threshold: 3 },
      { name: 'max_cpu_temp', value: 55 + this.r() * 20, comparator: 2, threshold: 90 },
    ].map((x) => ({ ...x, pass: x.comparator === 4 ? x.value >= x.threshold : x.value <= x.threshold }));
    const failing = criteria.filter((x) => !x.pass).map((x) => x.name);
    const nogo = failing.length > 0;
    const decisionSeq = this.seq + 1;
    this.append({
      decision: {
        verdict: nogo ? 2 : 1, criteria, riskLevel: 'medium', criteriaHash: CRITERIA_HASH, criteriaVersion: '2026-11-a', modelId: 'yolov8n', modelVersion: '8.1.0',
        confidence: c.perceptionConfidence, trigger: 1, reason: nogo ? `failing: ${failing.join(', ')}` : 'all criteria pass',
      },
    }, nogo, out);
    if (nogo === this.nogo) return;
    this.nogo = nogo;
    const id = `${this.deviceId}-ho-${++this.handovers}`;
    const requestedNs = BigInt(this.t) * 1_000_000n;
    const handover = {
      handoverId: id, fromMode: nogo ? 'AUTO.MISSION' : 'POSCTL', toMode: nogo ? 'POSCTL' : 'AUTO.MISSION', fromAuthority: nogo ? 1 : 2, toAuthority: nogo ? 2 : 1,
      initiator: nogo ? 1 : 2, reason: nogo ? `no-go: ${failing.join(', ')}` : 'operator hands back', requestedUnixNs: fromBigInt(requestedNs), decisionSeq: nogo ? decisionSeq : 0,
    };
    this.append({ handover: { ...handover, phase: 1 } }, true, out);
    const acceptedMs = this.t + 800 + Math.floor(this.r() * 2500);
    this.accept = { atMs: acceptedMs, body: { handover: { ...handover, phase: 2, acceptedUnixNs: fromBigInt(BigInt(acceptedMs) * 1_000_000n), operatorId: 'op-7' } } };
  }
}

const CRITERIA_HASH = sha256(new TextEncoder().encode('criteria 2026-11-a'));
const CONFIG_HASH = sha256(new TextEncoder().encode('agent config'));

function bootBody(source: 1 | 2, keyId: string, seq: number): Body {
  return {
    boot: {
      agentVersion: '0.1.0', configHash: CONFIG_HASH, criteriaHash: CRITERIA_HASH, models: [{ id: 'yolov8n', version: '8.1.0' }], keyId, hostname: 'companion',
      provenance: { source, missionId: `mission-${seq}`, vehicleType: source === 1 ? 'uav' : 'sim-uav', scenario: source === 1 ? '' : 'sweep' },
    },
  };
}

/** Vehicles alternating field and simulation (four by default), each its own key and seeded feed. */
export class Fleet {
  readonly feeds: DeviceFeed[] = [];

  static async create(tag: string, devices = 4): Promise<Fleet> {
    const fleet = new Fleet();
    const start = Date.UTC(2026, 0, 5, 6, 0);
    for (let i = 0; i < devices; i++) {
      fleet.feeds.push(new DeviceFeed(`uav-${tag}-${i}`, await generateDeviceKey(), i % 2 === 0 ? 1 : 2, 1000 + i, start + i * 7_000));
    }
    return fleet;
  }

  async register(store: HubStore): Promise<void> {
    for (const f of this.feeds) await store.addDeviceKey(f.deviceId, f.key.keyId, f.key.publicKey, 'bench');
  }

  /** About `records` more records split over the devices, in runs of `chunk` per device, interleaved. */
  take(records: number, chunk = 50_000): FleetSegment[] {
    const out: FleetSegment[] = [];
    const per = Math.ceil(records / this.feeds.length);
    for (let done = 0; done < per; done += chunk) for (const f of this.feeds) f.run(Math.min(chunk, per - done), out);
    return out;
  }
}

/** prepareSegment (decode, keys, seal, every record hash) + commitSegments, `batch` segments per transaction. */
export async function ingest(store: HubStore, segments: FleetSegment[], batch = BATCH): Promise<number> {
  let records = 0;
  for (let i = 0; i < segments.length; i += batch) {
    const ready = [];
    for (const s of segments.slice(i, i + batch)) {
      ready.push(await prepareSegment(store, LIMITS, s.deviceId, s.payload, Date.now()));
      records += s.records;
    }
    const bad = (await store.commitSegments(ready, decideSegment)).find((r) => !r.verdict.ok || r.verdict.duplicate);
    if (bad) throw new Error(`ingest: a segment was not stored fresh: ${JSON.stringify(bad.verdict)}`);
  }
  return records;
}

/** The segments as prepareSegment would have made them, straight into commitSegments, `batch` per transaction: fills a store for the report benchmarks. */
export async function commitPrepared(store: HubStore, segments: FleetSegment[], batch: number): Promise<void> {
  for (let i = 0; i < segments.length; i += batch) {
    const bad = (await store.commitSegments(segments.slice(i, i + batch).map((s) => s.stored), decideSegment)).find((r) => !r.verdict.ok || r.verdict.duplicate);
    if (bad) throw new Error(`commit: a segment was not stored fresh: ${JSON.stringify(bad.verdict)}`);
  }
}

export const recordsIn = (segments: FleetSegment[]) => segments.reduce((n, s) => n + s.records, 0);
