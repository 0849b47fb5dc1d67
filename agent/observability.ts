// The agent's logger (pino, structured JSON) and Prometheus metrics served over HTTP.
// The agent's only touch of pino and prom-client.
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type { Logger };

export function createLogger(level: string, name = 'fieldproof-agent'): Logger {
  return pino({ name, level });
}

export class AgentMetrics {
  readonly registry = new Registry();
  readonly captured = new Counter({ name: 'fieldproof_agent_records_captured_total', help: 'Records committed to the outbox', registers: [this.registry] });
  readonly captureFailed = new Counter({ name: 'fieldproof_agent_capture_failed_total', help: 'Appends refused (quota, disk)', labelNames: ['code'], registers: [this.registry] });
  readonly sent = new Counter({ name: 'fieldproof_agent_records_sent_total', help: 'Records published (resends included)', registers: [this.registry] });
  readonly acked = new Counter({ name: 'fieldproof_agent_records_acked_total', help: 'Records the hub confirmed stored, freed from the outbox', registers: [this.registry] });
  readonly evicted = new Counter({ name: 'fieldproof_agent_records_evicted_total', help: 'Records evicted under quota (each range named by a Gap record)', registers: [this.registry] });
  readonly ackLatency = new Histogram({
    name: 'fieldproof_agent_ack_latency_seconds', help: 'From first publish of a segment to the hub ack that frees it', registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
  });
  readonly outboxRecords: Gauge;
  readonly outboxBytes: Gauge;
  readonly connected: Gauge;
  readonly sourceCounters: Gauge;

  constructor(read: () => { records: number; bytes: number; connected: boolean }, sources: () => { name: string; counters(): Record<string, number> }[] = () => []) {
    collectDefaultMetrics({ register: this.registry, prefix: 'fieldproof_agent_' });
    this.outboxRecords = new Gauge({ name: 'fieldproof_agent_outbox_records', help: 'Records held in the outbox', registers: [this.registry], collect() { this.set(read().records); } });
    this.outboxBytes = new Gauge({ name: 'fieldproof_agent_outbox_bytes', help: 'Bytes held in the outbox', registers: [this.registry], collect() { this.set(read().bytes); } });
    this.sourceCounters = new Gauge({
      name: 'fieldproof_agent_source_count', help: 'Each input\'s own counters (messages read, records, errors by kind, reconnects)',
      labelNames: ['source', 'counter'], registers: [this.registry],
      collect() {
        this.reset();
        for (const s of sources()) for (const [counter, value] of Object.entries(s.counters())) this.set({ source: s.name, counter }, value);
      },
    });
    this.connected = new Gauge({ name: 'fieldproof_agent_mqtt_connected', help: '1 while connected to the broker', registers: [this.registry], collect() { this.set(read().connected ? 1 : 0); } });
  }
}

export async function serveMetrics(registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics: cannot listen on ${host}:${port}: ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  return server;
}
