// The health source: reads the computer's health at a fixed period and records a Health record,
// plus a Marker whenever a configured threshold is crossed or recovered.
import type { HealthSourceConfig } from '../../../config/index.js';
import type { Source, SourceContext } from '../source.js';
import { readHealth, type HealthReading } from './read-health.js';
import { thresholdMarkers } from './thresholds.js';

export function createHealthSource(config: HealthSourceConfig, ctx: SourceContext, read: (diskPath: string) => Promise<HealthReading> = readHealth): Source {
  const counts = { readings: 0, markers: 0, errors: 0 };
  const active = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = async () => {
    try {
      const r = await read(config.disk_path);
      await ctx.capture({
        health: {
          cpuLoadPct: r.cpuLoadPct, cpuTempC: r.cpuTempC, memUsedBytes: r.memUsedBytes, memTotalBytes: r.memTotalBytes,
          diskUsedBytes: r.diskUsedBytes, diskTotalBytes: r.diskTotalBytes, netRxBytesS: r.netRxBytesS, netTxBytesS: r.netTxBytesS,
          processRssBytes: r.processRssBytes,
        },
      });
      counts.readings++;
      for (const m of thresholdMarkers(r, config.thresholds, active)) {
        await ctx.capture(m);
        counts.markers++;
      }
    } catch (err) {
      counts.errors++;
      ctx.log.warn({ err: (err as Error).message }, 'health reading failed');
    }
  };

  return {
    name: 'health',
    async start() {
      running = tick();
      timer = setInterval(() => {
        running = (running ?? Promise.resolve()).then(tick);
      }, config.period_ms);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
    counters: () => ({ ...counts }),
  };
}
