// The agent's logger (pino, structured JSON) and its counters, served as Prometheus metrics over HTTP only
// when metrics.port is set. The agent's only touch of pino and prom-client (loaded only to serve).
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'fieldproof-agent'): Logger {
  return pino({ name, level });
}

/** What the outbox and uplink hold right now, read when metrics are scraped. */
export interface AgentState {
  records: number;
  bytes: number;
  connected: boolean;
  recordsSent: number;
  /** Messages on the ack topic that changed nothing, by reason. */
  acksRejected: Partial<Record<string, number>>;
}

export interface SourceCounters {
  name: string;
  counters(): Record<string, number>;
}

/**
 * What the agent counts, as plain numbers: free to keep whether or not anything scrapes them (prom-client's
 * default collectors alone watch every GC and the event loop, and its modules weigh megabytes).
 */
export class AgentMetrics {
  /** Records committed to the outbox. */
  captured = 0;
  /** Appends refused, by error code. */
  readonly captureFailed = new Map<string, number>();
  /** Records the hub confirmed stored, freed from the outbox. */
  acked = 0;
  /** Records evicted under quota. */
  evicted = 0;
  /** Set while metrics are served: each hub ack's latency in seconds goes to the histogram. */
  onAckLatency: ((seconds: number) => void) | undefined;

  constructor(readonly state: () => AgentState, readonly sources: () => SourceCounters[] = () => []) {}

  captureFailedWith(code: string): void {
    this.captureFailed.set(code, (this.captureFailed.get(code) ?? 0) + 1);
  }

  ackLatency(seconds: number): void {
    this.onAckLatency?.(seconds);
  }
}

/** Loads prom-client, registers collectors that read `metrics`, and serves them on http://host:port/metrics. */
export async function serveMetrics(metrics: AgentMetrics, host: string, port: number): Promise<Server> {
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  // Read once per scrape: the outbox part is a query, and several series come from it.
  let scraped: AgentState | undefined;
  const state = () => (scraped ??= metrics.state());
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'fieldproof_agent_' });
  const counter = (name: string, help: string, read: () => number) => new Counter({
    name, help, registers,
    collect() { this.reset(); this.inc(read()); },
  });
  counter('fieldproof_agent_records_captured_total', 'Records committed to the outbox', () => metrics.captured);
  counter('fieldproof_agent_records_sent_total', 'Records published (resends included)', () => state().recordsSent);
  counter('fieldproof_agent_records_acked_total', 'Records the hub confirmed stored, freed from the outbox', () => metrics.acked);
  counter('fieldproof_agent_records_evicted_total', 'Records evicted under quota (each range named by a Gap record)', () => metrics.evicted);
  new Counter({
    name: 'fieldproof_agent_capture_failed_total', help: 'Appends refused (quota, disk)', labelNames: ['code'], registers,
    collect() {
      this.reset();
      for (const [code, n] of metrics.captureFailed) this.inc({ code }, n);
    },
  });
  new Counter({
    name: 'fieldproof_agent_acks_rejected_total', help: 'Messages on the ack topic that changed nothing (unsigned, forged, replayed, mis-hashed)', labelNames: ['reason'], registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(state().acksRejected)) if (n) this.inc({ reason }, n);
    },
  });
  const ackLatency = new Histogram({
    name: 'fieldproof_agent_ack_latency_seconds', help: 'From first publish of a segment to the hub ack that frees it', registers,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
  });
  const gauge = (name: string, help: string, read: () => number) => new Gauge({ name, help, registers, collect() { this.set(read()); } });
  gauge('fieldproof_agent_outbox_records', 'Records held in the outbox', () => state().records);
  gauge('fieldproof_agent_outbox_bytes', 'Bytes held in the outbox', () => state().bytes);
  gauge('fieldproof_agent_mqtt_connected', '1 while connected to the broker', () => (state().connected ? 1 : 0));
  new Gauge({
    name: 'fieldproof_agent_source_count', help: 'Each input\'s own counters (messages read, records, errors by kind, reconnects)',
    labelNames: ['source', 'counter'], registers,
    collect() {
      this.reset();
      for (const s of metrics.sources()) for (const [name, value] of Object.entries(s.counters())) this.set({ source: s.name, counter: name }, value);
    },
  });
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found: try /metrics\n');
      return;
    }
    scraped = undefined;
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'EADDRINUSE'
      ? `metrics: port ${port} on ${host} is already in use (EADDRINUSE; another agent running?): set metrics.port to a free port, or 0 to serve no metrics`
      : `metrics: cannot listen on ${host}:${port} (metrics.host, metrics.port): ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  metrics.onAckLatency = (seconds) => ackLatency.observe(seconds);
  // Default collectors hook process-wide observers that reach the registry, and its collectors reach the
  // agent: let go of both when the server closes (a simulator runs many agents in one process).
  server.once('close', () => {
    metrics.onAckLatency = undefined;
    registry.clear();
  });
  return server;
}
