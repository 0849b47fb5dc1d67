// The agent process: outbox, Boot record, uplink to the hub and metrics, wired from the config.
// Capture never waits for the network: a record is committed locally and shipped when a link exists.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mqttClientOptions, type AgentConfig } from '../config/index.js';
import { KeyRing, type Body, type DeviceKey } from '../proto/index.js';
import { readDeviceKey, readPublicKey } from '../proto/node.js';
import { bootBody, type BootExtras } from './boot.js';
import { systemClock, type Clock } from './clock.js';
import { CapturePipeline, DecisionTrigger, type CaptureOptions, type DecisionResult } from './decisions/pipeline.js';
import { RateLimitedLog } from './log-once.js';
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
  /** Set while start() runs: resolves true once the Boot record is committed, false if the start failed. */
  private booting: Promise<boolean> | undefined;
  private metricsServer: Server | undefined;
  private stopped = false;

  private constructor(
    readonly config: AgentConfig,
    readonly outbox: Outbox,
    readonly pipeline: CapturePipeline,
    readonly uplink: Uplink | undefined,
    readonly log: Logger,
    /** The seq of this start's Boot record (0 until it is committed, the last step of start()). */
    public bootSeq: number,
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
      sealMaxRecords: config.seal.max_records, sealMaxAgeMs: config.seal.max_age_ms, clock, exclusive: true, reserveBytes: config.outbox.reserve_bytes,
    });
    // A full disk fails every request the same way: one line per kind a minute, with how many were held back.
    const logOnce = new RateLimitedLog();
    outbox.on('error', (err) => logOnce.log(`outbox ${(err as OutboxError).code ?? err.message}`, (f, m) => log.error(f, m), { err: err.message }, 'outbox'));
    outbox.on('reserve', (what) => logOnce.log(`reserve ${what}`, (f, m) => log.warn(f, m), { reserveBytes: config.outbox.reserve_bytes, path: `${config.outbox.path}.reserve` }, RESERVE_EVENTS[what]));
    if (outbox.recovery) {
      const r = outbox.recovery;
      log.error({ quarantinedAs: r.quarantinedAs, reasons: r.reasons, keptRecords: r.keptRecords, lost: r.lost.map((l) => `${l.firstSeq}..${l.lastSeq}`), nextSeq: r.nextSeq },
        'outbox was damaged: moved aside, rebuilt from the records that still verify, lost ranges named by signed Gap records');
    }
    const pipeline = new CapturePipeline(outbox, clock, config.criteria, config.boundary, (err) => log.warn({ err: err.message }, 'decision'));
    const uplink = config.uplink.enabled
      ? new Uplink({
        url: config.mqtt.url,
        // A suffix per start: a cloned vehicle (same device id) must not take over the other's broker session.
        client: mqttClientOptions(config.mqtt, `fieldproof-agent-${config.device_id}-${randomBytes(4).toString('hex')}`),
        deviceId: config.device_id,
        outbox,
        clock,
        maxInFlight: config.uplink.max_in_flight,
        resendAfterMs: config.uplink.resend_after_ms,
        rateLimitBytesPerSecond: config.uplink.rate_limit_bytes_s,
        backoffInitialMs: config.uplink.backoff_initial_ms,
        backoffMaxMs: config.uplink.backoff_max_ms,
        hubKeys,
        durableBeforeSend: config.uplink.durable_before_send,
      })
      : undefined;
    const agent = new Agent(config, outbox, pipeline, uplink, log, 0, clock);
    outbox.on('evicted', (range) => {
      agent.metrics.evicted += range.lastSeq - range.firstSeq + 1;
      const why = range.cause === 'disk' ? 'disk full before the outbox quota' : 'outbox quota reached';
      logOnce.log(`evicted ${range.cause}`, (f, m) => log.warn(f, m), { firstSeq: range.firstSeq, lastSeq: range.lastSeq, bytes: range.bytes }, `${why}: evicted records, Gap record appended`);
    });
    if (uplink) {
      uplink.on('connected', () => log.info({ url: config.mqtt.url }, 'connected to broker'));
      uplink.on('disconnected', (why) => log.warn({ why }, 'broker connection lost; records stay in the outbox'));
      // A broker that keeps refusing (wrong protocol version, bad certificate) must not flood the log.
      uplink.on('error', (err) => logOnce.log(`uplink ${err.message}`, (f, m) => log.warn(f, m), { err: err.message }, 'uplink'));
      uplink.on('damaged', (d) => log.error({ firstSeq: d.firstSeq, lastSeq: d.lastSeq, gapSeq: d.gapSeq, problem: d.problem },
        'outbox records damaged on disk after sealing: dropped, and a signed Gap record names the range'));
      uplink.on('forked', (f) => log.error({
        reason: f.reason, localHead: f.localHeadSeq, forkSeq: f.forkSeq, renumbered: f.renumberedFirst ? `${f.renumberedFirst}..${f.renumberedLast}` : 'none', newFirstSeq: f.newFirstSeq,
      }, 'this outbox had diverged from the hub (restored backup, rolled-back disk or cloned outbox): chain continued after the hub\'s head with a signed Fork record; held records re-issued'));
      uplink.on('ackRejected', (r) => {
        if (r.first) log.warn({ reason: r.reason, detail: r.detail }, 'ignored a message on the ack topic: outbox unchanged (logged once per reason; see fieldproof_agent_acks_rejected_total)');
      });
      uplink.on('acked', (a) => {
        agent.metrics.acked += a.freedRecords;
        for (const ms of a.latencyMs) agent.metrics.ackLatency(ms / 1000);
      });
      uplink.start();
    }
    // Captures wait for the Boot record, which is appended last: a start that fails appends nothing.
    let opened!: (ok: boolean) => void;
    agent.booting = new Promise<boolean>((resolve) => { opened = resolve; });
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
      agent.bootSeq = (await outbox.append(bootBody(config, key.keyId, agentVersion(), outbox.ackedPoint(), { criteriaHash: pipeline.criteriaHash, ...options.boot }))).seq;
    } catch (err) {
      opened(false);
      await agent.stop();
      throw err;
    }
    agent.booting = undefined;
    opened(true);
    pipeline.start();
    log.info({ device: config.device_id, keyId: key.keyId, outbox: config.outbox.path, bootSeq: agent.bootSeq }, 'agent started');
    return agent;
  }

  /** Records one body (never thinned); resolves once it is committed to the outbox. */
  capture(body: Body, options?: Omit<CaptureOptions, 'mayThin'>): Promise<Appended> {
    return this.offer(body, { ...options, mayThin: false }) as Promise<Appended>;
  }

  /** What sources call: like capture(), but high-rate conditions may be kept in the boundary window only. */
  offer(body: Body, options?: CaptureOptions): Promise<Appended | undefined> {
    if (this.booting) {
      // In order, behind the Boot record; refused if the start fails.
      return this.booting.then((ok) => (ok ? this.offer(body, options) : Promise.reject(new OutboxError('CLOSED', 'the agent did not start; nothing was recorded', false))));
    }
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
    if (this.booting) {
      return this.booting.then((ok) => (ok ? this.evaluate() : Promise.reject(new OutboxError('CLOSED', 'the agent did not start; nothing was recorded', false))));
    }
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

const RESERVE_EVENTS = {
  released: 'disk full: released the outbox disk reserve so critical records and hub acks still commit; bulk records are being evicted (Gap records) or refused',
  regrown: 'disk space returned: outbox disk reserve set aside again',
  short: 'could not set aside the whole outbox disk reserve: the disk is (nearly) full; retried as space returns',
} as const;

/** The hub keys the uplink pins: given in memory, or read from uplink.hub_pubkey_file (one or several, for hub key rotation). */
function pinnedHubKeys(config: AgentConfig, given: Uint8Array[] | undefined): KeyRing {
  if (given) return new KeyRing(given);
  const files = config.uplink.hub_pubkey_file;
  if (files.length === 0) {
    throw new Error('uplink.hub_pubkey_file: no hub public key pinned; the agent frees outbox space only on acks signed by the hub\'s key: set it to the hub\'s hub.pub (or uplink.enabled: false)');
  }
  return new KeyRing(files.map((file) => readPublicKey(file)));
}
