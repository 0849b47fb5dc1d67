// Re-publishes a mission to a hub through a fresh Agent (provenance REPLAY, the original mission id):
// every original body with its original times, in a new chain with new seqs and seals, then a drain.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, createLogger, systemClock, type Clock } from '../../agent/index.js';
import { agentConfigSchema } from '../../config/index.js';
import { toBigInt, toNumber, type Boot, type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey, readDeviceKey, writeKeyFiles } from '../../proto/node.js';
import type { Mission, MissionRecord } from './mission.js';
import { replayBody, replayStartMarker, VERBATIM_KINDS } from './replay-bodies.js';

export interface PublisherOptions {
  mission: Mission;
  hubUrl: string;
  /** The replay's device id (default in the CLI: `<original>-replay`). */
  deviceId: string;
  key: DeviceKey;
  /** Where the replay agent keeps its outbox; reusing it continues the same replay chain. */
  workDir: string;
  /** 4 (MQTT 3.1.1, the embedded broker) or 5. */
  protocolVersion?: 4 | 5;
  /** The hub's public key(s): the replay agent frees its outbox only on acks they sign. */
  hubPublicKeys: Uint8Array[];
  logLevel?: string;
  /** Captures issued before waiting for them to commit, when replaying as fast as possible. */
  maxPending?: number;
}

export interface ReplaySummary {
  device_id: string;
  key_id: string;
  outbox: string;
  original_device: string;
  original_first_seq?: number;
  original_last_seq?: number;
  /** Original records captured as they are. */
  replayed: number;
  /** Original boots, gaps and key rotations, captured as Markers. */
  as_markers: number;
  /** The replay's own chain: its Boot, the start marker and every replayed record. */
  first_seq: number;
  last_seq: number;
  acked_through: number;
  drained: boolean;
  /** Whether the replay agent was connected to the broker at the end. */
  connected: boolean;
  elapsed_ms: number;
}

/** How many records to look through for the original's Boot (its provenance is carried over). */
const BOOT_SCAN_LIMIT = 10_000;

export class ReplayPublisher {
  private pending: Promise<unknown>[] = [];
  private failure: Error | undefined;
  private replayed = 0;
  private asMarkers = 0;
  private readonly started = Date.now();

  private constructor(readonly agent: Agent, private readonly o: PublisherOptions, private readonly startSeq: number) {}

  static async start(o: PublisherOptions): Promise<ReplayPublisher> {
    const { boot, firstTimeUnixNs } = preamble(o.mission);
    // The replay's Boot and start marker carry the mission's first time, so the replayed chain reads as
    // the mission did; when the replay really ran is in the start marker's replayed_at tag.
    let stamp: bigint | undefined = firstTimeUnixNs;
    const clock: Clock = { nowMs: () => systemClock.nowMs(), monoNs: () => systemClock.monoNs(), wallNs: () => stamp ?? systemClock.wallNs() };
    const provenance = boot?.provenance ?? {};
    const missionId = provenance.missionId || o.mission.deviceId;
    const config = agentConfigSchema.parse({
      device_id: o.deviceId,
      key_file: join(o.workDir, 'device.key'),
      provenance: { source: 'replay', mission_id: missionId, vehicle_type: provenance.vehicleType ?? '' },
      outbox: { path: join(o.workDir, 'outbox.db') },
      seal: { max_records: 1000, max_age_ms: 200 },
      mqtt: { url: o.hubUrl, protocol_version: o.protocolVersion ?? 4 },
      uplink: { resend_after_ms: 2000, backoff_initial_ms: 100, backoff_max_ms: 2000 },
      log: { level: o.logLevel ?? 'silent' },
    });
    const agent = await Agent.start(config, {
      key: o.key,
      hubPublicKeys: o.hubPublicKeys,
      clock,
      logger: createLogger(config.log.level),
      boot: {
        criteriaHash: boot?.criteriaHash ?? undefined,
        models: (boot?.models ?? []).map((m) => ({ id: m.id ?? '', version: m.version ?? '' })),
        scenario: provenance.scenario ?? '', matrixId: provenance.matrixId ?? '', rowId: provenance.rowId ?? '', seed: toNumber(provenance.seed),
        plannedLevels: { ...provenance.plannedLevels },
      },
    });
    const v = o.mission.verification;
    try {
      await agent.capture(replayStartMarker({
        deviceId: o.mission.deviceId, source: o.mission.source, path: o.mission.path, firstSeq: v.firstSeq, lastSeq: v.lastSeq, verified: v.ok, missionId,
        replayedAt: new Date().toISOString(),
      }));
    } catch (err) {
      await agent.stop();
      throw err;
    }
    stamp = undefined;
    return new ReplayPublisher(agent, o, agent.bootSeq);
  }

  /** Captures one original record (in call order); waits only when many captures are outstanding. */
  async publish(r: MissionRecord): Promise<void> {
    if (this.failure) throw this.failure;
    const body = replayBody(r.seq, r.record);
    if (!body) return;
    if (VERBATIM_KINDS.has(r.kind ?? '')) this.replayed++;
    else this.asMarkers++;
    const capture = this.agent.capture(body, { timeUnixNs: r.timeUnixNs, monoNs: toBigInt(r.record.monoNs) });
    this.pending.push(capture.catch((err: Error) => { this.failure ??= new Error(`replaying original seq ${r.seq}: ${err.message}`); }));
    if (this.pending.length >= (this.o.maxPending ?? 512)) await this.settle();
  }

  /** Seals what is open and waits until the hub has acknowledged the whole replay chain (or the timeout). */
  async finish(drainTimeoutMs: number, onWaiting?: (ackedThrough: number, head: number) => void): Promise<ReplaySummary> {
    await this.settle();
    const outbox = this.agent.outbox;
    outbox.sealIfDue(true);
    const head = outbox.headSeq();
    const deadline = Date.now() + drainTimeoutMs;
    let lastReport = Date.now();
    while (outbox.ackedSeq() < head && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      if (onWaiting && Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        onWaiting(outbox.ackedSeq(), head);
      }
    }
    const v = this.o.mission.verification;
    return {
      device_id: this.o.deviceId, key_id: this.o.key.keyId, outbox: outbox.path,
      original_device: this.o.mission.deviceId, original_first_seq: v.firstSeq, original_last_seq: v.lastSeq,
      replayed: this.replayed, as_markers: this.asMarkers,
      first_seq: this.startSeq, last_seq: head, acked_through: outbox.ackedSeq(), drained: outbox.ackedSeq() >= head,
      connected: this.agent.uplink?.connected ?? false, elapsed_ms: Date.now() - this.started,
    };
  }

  async stop(): Promise<void> {
    await this.settle().catch(() => {});
    await this.agent.stop();
  }

  private async settle(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    await Promise.all(waiting);
    if (this.failure) throw this.failure;
  }
}

/** The original's first Boot (its provenance is carried over) and the mission's first time. */
function preamble(mission: Mission): { boot?: Boot; firstTimeUnixNs?: bigint } {
  let looked = 0;
  let firstTimeUnixNs: bigint | undefined;
  for (const r of mission.records()) {
    firstTimeUnixNs ??= r.timeUnixNs;
    if (r.record.boot) return { boot: r.record.boot, firstTimeUnixNs };
    if (++looked >= BOOT_SCAN_LIMIT) break;
  }
  return { firstTimeUnixNs };
}

/** The replay key in the work dir (device.key), or a new one written there (device.key 0600, device.pub). */
export async function replayKey(workDir: string): Promise<DeviceKey> {
  const keyFile = join(workDir, 'device.key');
  if (existsSync(keyFile)) return readDeviceKey(keyFile);
  const key = await generateDeviceKey();
  await writeKeyFiles(workDir, key);
  return key;
}
