// The hub's logger (pino, structured JSON) and Prometheus metrics served over HTTP.
// The hub's only touch of pino and prom-client.
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type { Logger };

export function createLogger(level: string, name = 'fieldproof-hub'): Logger {
  return pino({ name, level });
}

export class HubMetrics {
  readonly registry = new Registry();
  readonly segmentsStored = new Counter({ name: 'fieldproof_hub_segments_stored_total', help: 'Segments verified and committed', registers: [this.registry] });
  readonly recordsStored = new Counter({ name: 'fieldproof_hub_records_stored_total', help: 'Records verified and committed', registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'fieldproof_hub_segments_duplicate_total', help: 'Segments received again (resends), stored once', registers: [this.registry] });
  readonly rejected = new Counter({ name: 'fieldproof_hub_rejected_total', help: 'Messages rejected, by reason', labelNames: ['code'], registers: [this.registry] });
  readonly acksSent = new Counter({ name: 'fieldproof_hub_acks_sent_total', help: 'Acks published to agents', registers: [this.registry] });
  readonly ingestSeconds = new Histogram({
    name: 'fieldproof_hub_ingest_batch_seconds', help: 'Verify and commit time per batch of queued segments (one transaction)', registers: [this.registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  readonly analystLag = new Gauge({ name: 'fieldproof_hub_analyst_lag_seqs', help: 'Seqs committed but not yet analysed, over every device', registers: [this.registry] });
  readonly devices = new Gauge({ name: 'fieldproof_hub_devices', help: 'Devices with stored records', registers: [this.registry] });
  readonly driftBand = new Gauge({
    name: 'fieldproof_hub_drift_band', help: 'Drift band per scope (fleet or device id) and feature: 0 stable, 1 moderate, 2 significant',
    labelNames: ['scope', 'feature'], registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fieldproof_hub_' });
  }
}

/** Serves GET /metrics; returns the server (port 0 picks a free one). */
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
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'EADDRINUSE'
      ? `metrics: port ${port} on ${host} is already in use (EADDRINUSE; another hub running?): set metrics.port to a free port, or 0 to serve no metrics`
      : `metrics: cannot listen on ${host}:${port} (metrics.host, metrics.port): ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  return server;
}
