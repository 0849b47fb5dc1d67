// Ships sealed segments from the outbox to the hub over MQTT and frees them only on the hub's ack.
// Bounded window in flight, critical first, resend on timeout, reconnect with jittered backoff. The agent's only touch of mqtt.
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import type { MqttClientOptions } from '../../config/index.js';
import type { KeyRing } from '../../proto/index.js';
import type { Clock } from '../clock.js';
import type { ForkResult, Outbox } from '../outbox/index.js';
import { checkAck, type AckRejectReason, type Divergence } from './ack-check.js';
import { backoffDelay } from './backoff.js';
import { explainConnectError } from './connect-errors.js';
import { ByteRateLimit } from './rate-limit.js';

export interface UplinkOptions {
  url: string;
  client: MqttClientOptions;
  deviceId: string;
  outbox: Outbox;
  clock: Clock;
  maxInFlight: number;
  resendAfterMs: number;
  rateLimitBytesPerSecond: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** The hub keys this agent pins: only a checkpoint signed by one of them frees outbox space. */
  hubKeys: KeyRing;
  /** fsync the outbox's WAL before publishing what it holds (default in the agent; off only to measure its cost). */
  durableBeforeSend: boolean;
}

export interface UplinkCounters {
  segmentsSent: number;
  recordsSent: number;
  bytesSent: number;
  resends: number;
  recordsAcked: number;
  acks: number;
  connects: number;
  /** Messages on the ack topic that changed nothing, by reason (forged, replayed, mis-hashed, ...). */
  acksRejected: Partial<Record<AckRejectReason, number>>;
}

interface InFlight {
  lastSeq: number;
  records: number;
  firstSentMs: number;
  sentMs: number;
}

type UplinkEvents = {
  connected: [];
  disconnected: [string];
  acked: [{ storedThrough: number; freedRecords: number; latencyMs: number[] }];
  /** An ack that changed nothing; `first` is true the first time this reason is seen (log it then). */
  ackRejected: [{ reason: AckRejectReason; detail: string; first: boolean }];
  /** A signed hub statement that contradicts this outbox's chain: see Divergence. */
  diverged: [Divergence];
  /** A sealed segment no longer verified against its seal: dropped, and a signed Gap record appended. */
  damaged: [{ firstSeq: number; lastSeq: number; problem: string; gapSeq: number | undefined }];
  /** The outbox continued its chain after the hub's head (a signed Fork record says how). */
  forked: [ForkResult & { reason: Divergence['reason'] }];
  error: [Error];
};

export class Uplink extends EventEmitter<UplinkEvents> {
  readonly counters: UplinkCounters = { segmentsSent: 0, recordsSent: 0, bytesSent: 0, resends: 0, recordsAcked: 0, acks: 0, connects: 0, acksRejected: {} };
  private client: MqttClient | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  /** Segments the hub holds out of order: not resent, freed once stored_through passes them. */
  private readonly heldByHub = new Map<number, InFlight>();
  private readonly rate: ByteRateLimit;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private pumping = false;
  private syncing = false;
  private stopped = false;
  private readonly topics;
  private readonly onSealed = () => this.pump();

  constructor(private readonly o: UplinkOptions) {
    super();
    if (o.hubKeys.ids().length === 0) {
      throw new Error('uplink: no hub public key pinned: set uplink.hub_pubkey_file to the hub\'s hub.pub (the agent frees outbox space only on acks that key signed)');
    }
    this.rate = new ByteRateLimit(o.rateLimitBytesPerSecond, () => o.clock.nowMs(), Math.max(o.rateLimitBytesPerSecond, 1));
    this.topics = { seg: `fp/v1/${o.deviceId}/seg`, ack: `fp/v1/${o.deviceId}/ack`, state: `fp/v1/${o.deviceId}/state` };
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Starts connecting in the background; capture never waits for the network. */
  start(): void {
    this.o.outbox.on('sealed', this.onSealed);
    this.client = mqtt.connect(this.o.url, {
      ...this.o.client,
      manualConnect: true,
      will: { topic: this.topics.state, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client.on('connect', () => this.onConnect());
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.client.on('close', () => this.onClose());
    // One line with the cause and the fix (a protocol-version mismatch names mqtt.protocol_version).
    this.client.on('error', (err) => this.report(new Error(explainConnectError(err, this.o.url, this.o.client.protocolVersion))));
    this.client.connect();
    this.resendTimer = setInterval(() => this.resendOverdue(), Math.max(50, Math.floor(this.o.resendAfterMs / 4)));
    this.resendTimer.unref();
  }

  /** Publishes `offline`, disconnects; what is unacknowledged stays in the outbox for next time. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.o.outbox.off('sealed', this.onSealed);
    clearTimeout(this.reconnectTimer);
    clearInterval(this.resendTimer);
    clearTimeout(this.pumpTimer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await new Promise<void>((resolve) => client.publish(this.topics.state, 'offline', { qos: 1, retain: true }, () => resolve()));
    }
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }

  /** Resolves once nothing is in flight or unsent (or after `timeoutMs`). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.o.outbox.pendingSegments(1).length === 0) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  private onConnect(): void {
    // A connection completing while stop() ends the client: its stores are closed, publishing would throw.
    if (this.stopped) return;
    this.attempt = 0;
    this.counters.connects++;
    const client = this.client!;
    noDelay(client);
    client.publish(this.topics.state, 'online', { qos: 1, retain: true });
    client.subscribe(this.topics.ack, { qos: 1 }, (err) => {
      if (err) this.report(new Error(`subscribe ${this.topics.ack}: ${err.message}`));
    });
    this.emit('connected');
    this.pump();
  }

  private onClose(): void {
    // Everything in flight goes again after reconnecting; the hub stores idempotently.
    this.inFlight.clear();
    this.heldByHub.clear();
    if (this.stopped) return;
    this.emit('disconnected', 'connection closed');
    clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.attempt++, this.o.backoffInitialMs, this.o.backoffMaxMs);
    this.reconnectTimer = setTimeout(() => {
      // Keep mqtt.js's stores: reconnect() without them swaps in empty ones and orphans the callbacks of
      // what was in flight, so end() (which waits for those) never finishes and their payloads are never freed.
      const client = this.client;
      if (!this.stopped && client) client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delay);
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.topics.ack) return;
    const outbox = this.o.outbox;
    const acked = outbox.ackedPoint();
    const verdict = checkAck(payload, this.o.hubKeys, {
      deviceId: this.o.deviceId, headSeq: outbox.headSeq(), ackedSeq: acked.seq, ackedHash: acked.hash, hashAt: (seq) => outbox.hashAt(seq),
    });
    if (!verdict.ok) {
      const seen = this.counters.acksRejected[verdict.reason] ?? 0;
      this.counters.acksRejected[verdict.reason] = seen + 1;
      this.emit('ackRejected', { reason: verdict.reason, detail: verdict.detail, first: seen === 0 });
      if (verdict.divergence) this.diverged(verdict.divergence);
      return;
    }
    const storedThrough = verdict.checkpoint.seq;
    const now = this.o.clock.nowMs();
    const latencyMs: number[] = [];
    let freedRecords = 0;
    try {
      freedRecords = outbox.acceptCheckpoint(verdict.checkpoint, verdict.encoded).freedRecords;
    } catch (err) {
      this.report(new Error(`could not record the hub's checkpoint through seq ${storedThrough}: ${(err as Error).message}`));
    }
    for (const map of [this.inFlight, this.heldByHub]) {
      for (const [first, f] of map) {
        if (f.lastSeq <= storedThrough) {
          if (map === this.inFlight) latencyMs.push(now - f.firstSentMs);
          map.delete(first);
        }
      }
    }
    for (const r of verdict.storedBeyond) {
      const lo = r.first;
      const hi = r.last;
      for (const [first, f] of this.inFlight) {
        if (first >= lo && f.lastSeq <= hi) {
          this.inFlight.delete(first);
          this.heldByHub.set(first, f);
        }
      }
    }
    for (const r of verdict.resend) {
      const lo = r.first;
      const hi = r.last;
      for (const [first, f] of this.inFlight) {
        // Only what has had time to arrive: an ack crossing a send must not double it.
        if (first <= hi && f.lastSeq >= lo && now - f.sentMs > 1000) this.inFlight.delete(first);
      }
    }
    this.counters.acks++;
    this.counters.recordsAcked += freedRecords;
    this.emit('acked', { storedThrough, freedRecords, latencyMs });
    if (verdict.divergence) this.diverged(verdict.divergence);
    this.pump();
  }

  /**
   * The hub holds other records at seqs this outbox uses: continue the chain after the hub's head and
   * send everything held again under its new seqs. What was in flight is void (its seqs were re-issued).
   */
  private diverged(d: Divergence): void {
    this.emit('diverged', d);
    this.fork(d);
  }

  private fork(d: Divergence): void {
    let result;
    // The outbox emits 'sealed' for the re-issued segments inside fork(): no pump until the window is reset.
    this.pumping = true;
    try {
      result = this.o.outbox.fork(d);
    } catch (err) {
      this.report(new Error(`could not continue the chain after the hub's seq ${d.hubSeq}: ${(err as Error).message}`));
      return;
    } finally {
      this.pumping = false;
    }
    if (!result) return;
    this.inFlight.clear();
    this.heldByHub.clear();
    this.emit('forked', { ...result, reason: d.reason });
    this.pump();
  }

  private resendOverdue(): void {
    const now = this.o.clock.nowMs();
    let any = false;
    for (const [first, f] of this.inFlight) {
      if (now - f.sentMs >= this.o.resendAfterMs) {
        this.inFlight.delete(first);
        this.counters.resends++;
        any = true;
      }
    }
    if (any) this.pump();
  }

  /** Sends what the window and the rate cap allow, critical segments first. */
  private pump(): void {
    if (this.pumping || this.stopped || !this.client?.connected) return;
    this.pumping = true;
    try {
      for (;;) {
        const free = this.o.maxInFlight - this.inFlight.size;
        if (free <= 0) return;
        const exclude = new Set([...this.inFlight.keys(), ...this.heldByHub.keys()]);
        const segments = this.o.outbox.pendingSegments(free, exclude);
        if (segments.length === 0) return;
        // Nothing leaves the vehicle before it is on disk: a power cut must not roll back what the hub holds.
        // The fdatasync runs off the event loop; segments sealed meanwhile ride the same one.
        if (this.o.durableBeforeSend && !this.o.outbox.isDurable(Math.max(...segments.map((s) => s.lastSeq)))) {
          this.syncThenPump();
          return;
        }
        const sent: number[] = [];
        for (const s of segments) {
          // A segment going out again is checked against its own seal first: damaged on disk, it would be
          // refused (BAD_HASH) on every send; it is dropped with a signed Gap naming the range instead.
          const problem = s.sendCount > 0 ? this.o.outbox.segmentProblem(s.payload) : undefined;
          if (problem) {
            const gapSeq = this.o.outbox.dropDamaged(s.firstSeq, problem);
            this.emit('damaged', { firstSeq: s.firstSeq, lastSeq: s.lastSeq, problem, gapSeq });
            continue;
          }
          const wait = this.rate.take(s.payload.length);
          if (wait > 0) {
            clearTimeout(this.pumpTimer);
            this.pumpTimer = setTimeout(() => this.pump(), wait);
            if (sent.length) this.o.outbox.markSent(sent);
            return;
          }
          const now = this.o.clock.nowMs();
          const previous = this.inFlight.get(s.firstSeq);
          this.inFlight.set(s.firstSeq, { lastSeq: s.lastSeq, records: s.records, firstSentMs: previous?.firstSentMs ?? now, sentMs: now });
          this.client.publish(this.topics.seg, Buffer.from(s.payload.buffer, s.payload.byteOffset, s.payload.byteLength), { qos: 1 }, (err) => {
            if (err && this.inFlight.get(s.firstSeq)?.sentMs === now) this.inFlight.delete(s.firstSeq);
          });
          sent.push(s.firstSeq);
          this.counters.segmentsSent++;
          this.counters.recordsSent += s.records;
          this.counters.bytesSent += s.payload.length;
        }
        this.o.outbox.markSent(sent);
      }
    } catch (err) {
      this.report(new Error(`uplink: ${(err as Error).message}`));
    } finally {
      this.pumping = false;
    }
  }

  private syncThenPump(): void {
    if (this.syncing) return;
    this.syncing = true;
    this.o.outbox.makeDurableAsync().then(
      () => {
        this.syncing = false;
        this.pump();
      },
      (err: Error) => {
        this.syncing = false;
        // Nothing is sent unsynced: retried at the next seal, ack or resend tick.
        this.report(new Error(`outbox fsync before send failed: ${err.message}`));
      },
    );
  }

  private report(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/**
 * Turns Nagle's algorithm off on the client's socket: an ack or a small critical segment must not wait
 * for the delayed ACK of the one before (a 40 ms stall each). Streams without sockets (WebSocket) skip it.
 */
function noDelay(client: MqttClient): void {
  (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
}
