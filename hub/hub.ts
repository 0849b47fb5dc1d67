// The hub process: store, optional embedded broker, MQTT link, ingest and acks, metrics.
// Every message is verified before it is stored, and acked only after it is committed.
import type { Server } from 'node:http';
import { mqttClientOptions, type HubConfig } from '../config/index.js';
import { loadOddFile } from '../config/odd-config.js';
import { type DeviceKey } from '../proto/index.js';
import { readDeviceKey } from '../proto/node.js';
import { Analyst } from './analytics/analyst.js';
import { DriftWatch } from './analytics/drift-watch.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker.js';
import { ackTopic, buildAck, decideSegment, outcomeOf, Rejection, route, type SegmentLimits } from './ingest/index.js';
import { connectHubLink, type HubLink } from './mqtt/hub-link.js';
import { startHttp, type HttpServer } from './http/index.js';
import { createLogger, HubMetrics, serveMetrics, type Logger } from './observability.js';
import type { Presence } from './reports/index.js';
import { openStore, type HeldRange, type HubStore, type SegmentToStore } from './store/index.js';

/** Segments committed per transaction at most, and the queue depth at which the broker is held back. */
const BATCH_SEGMENTS = 64;
const QUEUE_HIGH_WATER = 256;

export interface HubCounters {
  segmentsStored: number;
  recordsStored: number;
  duplicates: number;
  rejected: number;
  acksSent: number;
}

export interface HubStartOptions {
  logger?: Logger;
  /** Called after every rejection, e.g. to surface it in a demo's status line. */
  onRejected?(r: Rejection, topic: string): void;
  /** An already loaded hub key (the demo and simulator keep keys in memory); default: config.key_file. */
  key?: DeviceKey;
  /** false: no analyst in this process (benches of ingest alone; another process analyses, or `hub reindex` later). */
  analyst?: boolean;
}

export class Hub {
  readonly counters: HubCounters = { segmentsStored: 0, recordsStored: 0, duplicates: 0, rejected: 0, acksSent: 0 };
  readonly metrics = new HubMetrics();
  private link: HubLink | undefined;
  private broker: EmbeddedBroker | undefined;
  private metricsServer: Server | undefined;
  private httpServer: HttpServer | undefined;
  /** Online/offline per device as its state topic last said (display only: unsigned, trusts nothing). */
  readonly presence = new Map<string, Presence>();
  private readonly pendingAcks = new Set<string>();
  /** Per device, the seq ranges of segments committed or found stored since its last ack. */
  private readonly received = new Map<string, HeldRange[]>();
  /** When a CONFLICT of each (device, seq range) was last recorded as an integrity event. */
  private readonly conflictsRecorded = new Map<string, number>();
  private ackScheduled = false;
  private ackChain: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Messages received and not yet committed; verified and committed a batch per transaction. */
  private readonly queue: { topic: string; payload: Uint8Array; receivedMs: number }[] = [];
  private readonly heldBack: (() => void)[] = [];
  private working: Promise<void> | undefined;
  /** Follows committed segments into the coverage aggregates, off the ack path. */
  private analyst: Analyst | undefined;
  /** Records drift band changes as hub events; runs with the analyst, after it catches up and on an interval. */
  driftWatch: DriftWatch | undefined;

  private constructor(
    readonly config: HubConfig,
    readonly store: HubStore,
    readonly log: Logger,
    /** Signs every ack: the agents pin its public key and free outbox space only on its word. */
    readonly key: DeviceKey,
    private readonly options: HubStartOptions,
  ) {}

  static async start(config: HubConfig, options: HubStartOptions = {}): Promise<Hub> {
    const log = options.logger ?? createLogger(config.log.level);
    const key = options.key ?? (await readHubKey(config.key_file));
    const store = await openStore(config.store);
    const hub = new Hub(config, store, log, key, options);
    try {
      await hub.open();
    } catch (err) {
      await hub.stop();
      throw err;
    }
    return hub;
  }

  /** The broker URL the hub is connected to (the embedded one's, when it runs one). */
  get mqttUrl(): string {
    return this.broker?.url ?? this.config.mqtt.url;
  }

  /** The reviewer page and JSON API, when `http.enabled`. */
  get httpUrl(): string | undefined {
    return this.httpServer?.url;
  }

  get metricsPort(): number | undefined {
    const address = this.metricsServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.httpServer?.close();
    await this.link?.close();
    await this.working;
    await this.ackChain;
    await this.analyst?.stop();
    await this.driftWatch?.stop();
    await this.broker?.close();
    await new Promise<void>((resolve) => (this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve()));
    await this.store.close();
    this.log.info('hub stopped');
  }

  private async open(): Promise<void> {
    const c = this.config;
    // TLS files are read before any port is bound: a bad path fails the start with nothing to undo.
    const clientOptions = mqttClientOptions(c.mqtt, `fieldproof-${c.hub_id}-${process.pid}`);
    if (c.metrics.port > 0) {
      this.metricsServer = await serveMetrics(this.metrics.registry, c.metrics.host, c.metrics.port);
    }
    if (c.embedded_broker.enabled) {
      this.broker = await startEmbeddedBroker({ host: c.embedded_broker.host, port: c.embedded_broker.port });
      this.log.info({ url: this.broker.url }, 'embedded broker listening (MQTT 3.1.1)');
    }
    const protocolVersion = this.broker ? 4 : c.mqtt.protocol_version;
    const limits: SegmentLimits = { maxPayloadBytes: c.ingest.max_payload_bytes, maxRecordsPerSegment: c.ingest.max_records_per_segment };
    this.link = await connectHubLink({
      url: this.mqttUrl,
      client: { ...clientOptions, protocolVersion },
      sharedGroup: this.broker ? '' : c.mqtt.shared_group,
      onMessage: (topic, payload, done) => this.enqueue(limits, topic, payload, done),
      onEvent: (event, detail) => (event === 'error' ? this.log.warn({ detail }, 'mqtt error') : this.log.info({ event }, `mqtt ${event}`)),
    });
    // catches up from its cursors after a restart, then follows the commits
    if (this.options.analyst !== false) {
      this.analyst = new Analyst({ store: this.store, log: this.log, onLag: (lag) => {
        this.metrics.analystLag.set(lag);
        if (lag === 0) this.driftWatch?.poke();
      } });
      const taxonomy = this.analyst.taxonomy;
      this.driftWatch = new DriftWatch({
        store: this.store, taxonomy, log: this.log, metrics: this.metrics,
        // a matrix: baseline is the devices whose Boot named that run, from the analyst's run rows
        matrixDevices: async (id) => new Set((await this.store.analytics().runs(taxonomy.fingerprint, { matrixId: id })).map((r) => r.deviceId)),
      });
      this.analyst.start();
      this.driftWatch.start();
    }
    if (c.http.enabled) {
      const taxonomy = this.analyst?.taxonomy ?? loadOddFile();
      this.httpServer = await startHttp({ host: c.http.host, port: c.http.port, store: this.store, taxonomy, presence: this.presence, hubKey: this.key, log: this.log });
      this.log.info({ url: this.httpServer.url }, 'reviewer page and JSON API listening (read-only)');
    }
    this.log.info({ hub: c.hub_id, keyId: this.key.keyId, mqtt: this.mqttUrl, store: c.store.driver, shared: this.broker ? '' : c.mqtt.shared_group }, 'hub started');
  }

  /** Queues a message; holds the broker connection back (no next message) while the queue is deep. */
  private enqueue(limits: SegmentLimits, topic: string, payload: Uint8Array, done: () => void): void {
    this.queue.push({ topic, payload, receivedMs: Date.now() });
    if (this.queue.length < QUEUE_HIGH_WATER) done();
    else this.heldBack.push(done);
    this.working ??= this.work(limits).finally(() => { this.working = undefined; });
  }

  private async work(limits: SegmentLimits): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH_SEGMENTS);
      while (this.heldBack.length > 0 && this.queue.length < QUEUE_HIGH_WATER) this.heldBack.shift()!();
      await this.ingestBatch(limits, batch);
    }
    for (const done of this.heldBack.splice(0)) done();
  }

  /** Verifies each message, then commits every good segment in one transaction (one fsync), then acks. */
  private async ingestBatch(limits: SegmentLimits, batch: { topic: string; payload: Uint8Array; receivedMs: number }[]): Promise<void> {
    const timer = this.metrics.ingestSeconds.startTimer();
    const ready: { topic: string; payload: Uint8Array; segment: SegmentToStore }[] = [];
    for (const m of batch) {
      try {
        const result = await route(this.store, limits, m.topic, m.payload, m.receivedMs);
        if (result.kind === 'segment') ready.push({ topic: m.topic, payload: m.payload, segment: result.segment });
        else if (result.kind === 'online' || result.kind === 'offline') {
          this.presence.set(result.deviceId, { online: result.kind === 'online', sinceMs: m.receivedMs });
          if (result.kind === 'online') this.scheduleAck(result.deviceId);
        }
      } catch (err) {
        if (err instanceof Rejection) await this.reject(err, m.topic, m.payload);
        else this.log.error({ err, topic: m.topic }, 'ingest failed; not acknowledged, the agent will resend');
      }
    }
    if (ready.length > 0) {
      let results;
      try {
        results = await this.store.commitSegments(ready.map((r) => r.segment), decideSegment);
      } catch (err) {
        this.log.error({ err: (err as Error).message, segments: ready.length }, 'store commit failed; nothing acknowledged, agents will resend');
        results = undefined;
      }
      for (let i = 0; results && i < ready.length; i++) {
        try {
          const o = outcomeOf(ready[i].segment, results[i]);
          if (o.duplicate) {
            this.counters.duplicates++;
            this.metrics.duplicates.inc();
          } else {
            this.counters.segmentsStored++;
            this.counters.recordsStored += o.records;
            this.metrics.segmentsStored.inc();
            this.metrics.recordsStored.inc(o.records);
          }
          if (!o.duplicate) {
            for (const f of ready[i].segment.forks ?? []) {
              await this.recordIntegrity(o.deviceId, 'fork', f.localHeadSeq, f.renumberedFirst || null, f.renumberedLast || null,
                `signed Fork record at seq ${f.recordSeq} (${f.reason}): the device's head was ${f.localHeadSeq}, it continued after the hub's seq ${f.hubSeq}`
                + (f.renumberedFirst ? `, re-issuing its seqs ${f.renumberedFirst}..${f.renumberedLast} as ${f.newFirstSeq}..${f.newFirstSeq + f.renumberedLast - f.renumberedFirst}` : ''), f.hubSeq);
            }
          }
          const ranges = this.received.get(o.deviceId) ?? [];
          ranges.push({ first: o.firstSeq, last: o.lastSeq, lastHash: ready[i].segment.lastHash });
          this.received.set(o.deviceId, ranges);
          this.scheduleAck(o.deviceId);
        } catch (err) {
          await this.reject(err as Rejection, ready[i].topic, ready[i].payload);
        }
      }
      this.analyst?.poke();
    }
    timer();
  }

  private async reject(r: Rejection, topic: string, payload: Uint8Array): Promise<void> {
    this.counters.rejected++;
    this.metrics.rejected.inc({ code: r.code });
    const deviceId = topic.split('/')[2] ?? '';
    this.log.warn({ topic, code: r.code, firstSeq: r.firstSeq, lastSeq: r.lastSeq }, `rejected: ${r.message}`);
    this.options.onRejected?.(r, topic);
    // A segment that overlaps what is stored with other content: the agent's chain has diverged from the
    // hub's (restored backup, rolled-back disk, cloned outbox). The signed checkpoint lets it see that.
    // A segment that does not link onto what is stored: the agent learns the hub's head from the signed ack.
    if (r.code === 'BROKEN_LINK' && deviceId) this.scheduleAck(deviceId);
    if (r.code === 'CONFLICT' && deviceId) {
      this.scheduleAck(deviceId);
      // An agent resends a conflicting segment until it sees the ack: one integrity event per segment a minute.
      const key = `${deviceId} ${r.firstSeq}..${r.lastSeq}`;
      const now = Date.now();
      if (now - (this.conflictsRecorded.get(key) ?? -Infinity) < 60_000) return;
      if (this.conflictsRecorded.size > 10_000) this.conflictsRecorded.clear();
      this.conflictsRecorded.set(key, now);
      await this.recordIntegrity(deviceId, 'conflict', r.lastSeq ?? 0, r.firstSeq, r.lastSeq,
        `offered other content for seqs the hub holds: ${r.message}. The device's chain diverged (restored backup, rolled-back disk or cloned outbox); it continues after the hub's head once it sees the signed ack`);
    }
    try {
      await this.store.recordRejection({
        receivedMs: Date.now(), topic, deviceId, code: r.code, message: r.message, firstSeq: r.firstSeq, lastSeq: r.lastSeq, payloadBytes: payload.length,
      });
    } catch (err) {
      this.log.error({ err }, 'could not record a rejection');
    }
  }

  /** Records a divergence of a device's chain; `hubSeq` defaults to the hub's contiguous seq for it now. */
  private async recordIntegrity(deviceId: string, kind: 'conflict' | 'fork', deviceSeq: number, firstSeq: number | null, lastSeq: number | null, detail: string, hubSeq?: number): Promise<void> {
    this.log.error({ deviceId, kind, deviceSeq, firstSeq, lastSeq }, `integrity: ${detail}`);
    try {
      const at = hubSeq ?? (await this.store.deviceState(deviceId))?.contiguousSeq ?? 0;
      await this.store.recordIntegrityEvent({ atMs: Date.now(), deviceId, kind, hubSeq: at, deviceSeq, firstSeq, lastSeq, detail });
    } catch (err) {
      this.log.error({ err }, 'could not record an integrity event');
    }
  }

  /** Acks are coalesced: one per device per turn of the event loop, after the commits it covers. */
  private scheduleAck(deviceId: string): void {
    this.pendingAcks.add(deviceId);
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => {
      this.ackScheduled = false;
      const devices = [...this.pendingAcks];
      this.pendingAcks.clear();
      this.ackChain = this.ackChain.then(() => this.sendAcks(devices));
    });
  }

  private async sendAcks(devices: string[]): Promise<void> {
    for (const deviceId of devices) {
      try {
        const received = this.received.get(deviceId) ?? [];
        this.received.delete(deviceId);
        const ack = await buildAck(this.store, deviceId, { hubId: this.config.hub_id, key: this.key }, Date.now(), received);
        if (!ack || !this.link) continue;
        await this.link.publish(ackTopic(deviceId), ack.payload);
        this.counters.acksSent++;
        this.metrics.acksSent.inc();
      } catch (err) {
        this.log.warn({ err, deviceId }, 'ack not sent; the agent will resend and be acked then');
      }
    }
  }
}

async function readHubKey(file: string | undefined): Promise<DeviceKey> {
  if (!file) {
    throw new Error('hub: no hub key: set key_file in the hub config or pass --key FILE (create one with `fieldproof keygen --out DIR --name hub`)');
  }
  return readDeviceKey(file);
}
