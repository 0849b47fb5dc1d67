// The agent process: outbox, Boot record, uplink to the hub and metrics, wired from the config.
// Capture never waits for the network: a record is committed locally and shipped when a link exists.
import type { Server } from 'node:http';
import { mqttClientOptions, type AgentConfig } from '../config/index.js';
import { KeyRing, readDeviceKey, readPublicKey, type Body, type DeviceKey } from '../proto/index.js';
import { bootBody, type BootExtras } from './boot.js';
import { systemClock, type Clock } from './clock.js';
import { CapturePipeline, DecisionTrigger, type CaptureOptions, type DecisionResult } from './decisions/pipeline.js';
import { createSources, type Source } from './sources/index.js';
import { Outbox, OutboxError, outboxStats, type Appended } from './outbox/index.js';
import { AgentMetrics, createLogger, serveMetrics, type Logger } from './observability.js';
import { Uplink } from './uplink/index.js';
import { agentVersion } from './version.js';

export interface AgentStartOptions {
  logger?: Logger;
  clock?: Clock;
  boot?: BootExtras;
  /** An already loaded key (the simulator keeps keys in memory); default: config.key_file. */
  key?: DeviceKey;
  /** Hub public keys to pin (the demo and simulator wire their own hub); default: uplink.hub_pubkey_file. */
  hubPublicKeys?: Uint8Array[];
}

export class Agent {
  readonly metrics: AgentMetrics;
  sources: Source[] = [];
  private metricsServer: Server | undefined;
  private stopped = false;

  private constructor(
    readonly config: AgentConfig,
    readonly outbox: Outbox,
    readonly pipeline: CapturePipeline,
    readonly uplink: Uplink | undefined,
    readonly log: Logger,
    readonly bootSeq: number,
    readonly clock: Clock,
  ) {
    this.metrics = new AgentMetrics(() => {
      const s = outboxStats(outbox.database);
      return {
        records: s.records, bytes: s.bytes, connected: uplink?.connected ?? false, recordsSent: uplink?.counters.recordsSent ?? 0,
        acksRejected: uplink?.counters.acksRejected ?? {},
      };
    }, () => this.sources);
  }

  static async start(config: AgentConfig, options: AgentStartOptions = {}): Promise<Agent> {
    const log = options.logger ?? createLogger(config.log.level);
    const clock = options.clock ?? systemClock;
    const key = options.key ?? (await readDeviceKey(config.key_file));
    const hubKeys = config.uplink.enabled ? pinnedHubKeys(config, options.hubPublicKeys) : new KeyRing();
    const outbox = Outbox.open({
      path: config.outbox.path, deviceId: config.device_id, key, quotaBytes: config.outbox.quota_bytes, sync: config.outbox.sync,
      sealMaxRecords: config.seal.max_records, sealMaxAgeMs: config.seal.max_age_ms, clock,
    });
    outbox.on('error', (err) => log.error({ err }, 'outbox'));
    const pipeline = new CapturePipeline(outbox, clock, config.criteria, config.boundary, (err) => log.warn({ err: err.message }, 'decision'));
    const boot = await outbox.append(bootBody(config, key.keyId, agentVersion(), outbox.ackedPoint(), { criteriaHash: pipeline.criteriaHash, ...options.boot }));
    const uplink = config.uplink.enabled
      ? new Uplink({
        url: config.mqtt.url,
        client: mqttClientOptions(config.mqtt, `fieldproof-agent-${config.device_id}`),
        deviceId: config.device_id,
        outbox,
        clock,
        maxInFlight: config.uplink.max_in_flight,
        resendAfterMs: config.uplink.resend_after_ms,
        rateLimitBytesPerSecond: config.uplink.rate_limit_bytes_s,
        backoffInitialMs: config.uplink.backoff_initial_ms,
        backoffMaxMs: config.uplink.backoff_max_ms,
        hubKeys,
      })
      : undefined;
    const agent = new Agent(config, outbox, pipeline, uplink, log, boot.seq, clock);
    outbox.on('evicted', (range) => {
      agent.metrics.evicted += range.lastSeq - range.firstSeq + 1;
      log.warn({ firstSeq: range.firstSeq, lastSeq: range.lastSeq, bytes: range.bytes }, 'outbox quota reached: evicted records, Gap record appended');
    });
    if (uplink) {
      uplink.on('connected', () => log.info({ url: config.mqtt.url }, 'connected to broker'));
      uplink.on('disconnected', (why) => log.warn({ why }, 'broker connection lost; records stay in the outbox'));
      uplink.on('error', (err) => log.warn({ err: err.message }, 'uplink'));
      uplink.on('ackRejected', (r) => {
        if (r.first) log.warn({ reason: r.reason, detail: r.detail }, 'ignored a message on the ack topic: outbox unchanged (logged once per reason; see fieldproof_agent_acks_rejected_total)');
      });
      uplink.on('acked', (a) => {
        agent.metrics.acked += a.freedRecords;
        for (const ms of a.latencyMs) agent.metrics.ackLatency(ms / 1000);
      });
      uplink.start();
    }
    try {
      if (config.metrics.port > 0) {
        agent.metricsServer = await serveMetrics(agent.metrics, config.metrics.host, config.metrics.port);
      }
      agent.sources = await createSources(config.sources, {
        deviceId: config.device_id,
        clock,
        log,
        capture: (body, o) => agent.offer(body, o),
        evaluate: () => agent.evaluate(),
      });
      for (const source of agent.sources) {
        await source.start();
        log.info({ source: source.name }, 'source started');
      }
    } catch (err) {
      await agent.stop();
      throw err;
    }
    pipeline.start();
    log.info({ device: config.device_id, keyId: key.keyId, outbox: config.outbox.path, bootSeq: boot.seq }, 'agent started');
    return agent;
  }

  /** Records one body (never thinned); resolves once it is committed to the outbox. */
  capture(body: Body, options?: Omit<CaptureOptions, 'mayThin'>): Promise<Appended> {
    return this.offer(body, { ...options, mayThin: false }) as Promise<Appended>;
  }

  /** What sources call: like capture(), but high-rate conditions may be kept in the boundary window only. */
  offer(body: Body, options?: CaptureOptions): Promise<Appended | undefined> {
    let captured: Promise<Appended | undefined>;
    try {
      captured = this.pipeline.capture(body, options);
    } catch (err) {
      captured = Promise.reject(err);
    }
    return captured.then((appended) => {
      if (appended) this.metrics.captured++;
      return appended;
    }, (err: unknown) => {
      this.metrics.captureFailedWith(err instanceof OutboxError ? err.code : 'INVALID');
      throw err;
    });
  }

  /** Evaluates go/no-go now and records the Decision; undefined when no criteria are configured. */
  evaluate(): Promise<DecisionResult | undefined> {
    return this.pipeline.evaluate(DecisionTrigger.ON_DEMAND);
  }

  /**
   * Stops cleanly: commits what is waiting, seals the open segment, waits up to `drainMs` for the hub
   * to acknowledge what is unsent, then disconnects. Nothing is lost: the rest stays in the outbox.
   */
  async stop(options: { drainMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.pipeline.stop();
    for (const source of this.sources) {
      await source.stop().catch((err: Error) => this.log.warn({ source: source.name, err: err.message }, 'source did not stop cleanly'));
    }
    this.outbox.flush();
    this.outbox.sealIfDue(true);
    if (this.uplink && options.drainMs) await this.uplink.drain(options.drainMs);
    await this.uplink?.stop();
    await new Promise<void>((resolve) => (this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve()));
    this.outbox.close();
    this.log.info({ device: this.config.device_id }, 'agent stopped');
  }
}

/** The hub keys the uplink pins: given in memory, or read from uplink.hub_pubkey_file (one or several, for hub key rotation). */
function pinnedHubKeys(config: AgentConfig, given: Uint8Array[] | undefined): KeyRing {
  if (given) return new KeyRing(given);
  const files = config.uplink.hub_pubkey_file;
  if (files.length === 0) {
    throw new Error('uplink.hub_pubkey_file: no hub public key pinned; the agent frees outbox space only on acks signed by the hub\'s key: set it to the hub\'s hub.pub (or uplink.enabled: false)');
  }
  return new KeyRing(files.map((file) => readPublicKey(file)));
}
