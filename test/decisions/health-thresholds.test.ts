// Health thresholds raise a WARNING Marker on crossing and an INFO Marker on recovery, once each.
// The health source records Health records at its period through the capture context.
import { describe, expect, it } from 'vitest';
import { createHealthSource, createLogger, manualClock, thresholdMarkers } from '../../agent/index.js';
import { healthSourceSchema } from '../../config/index.js';
import type { Body } from '../../proto/index.js';

const reading = (cpuTempC: number) => ({ cpuTempC, cpuLoadPct: 10, memUsedBytes: 1, memTotalBytes: 10, processRssBytes: 50 * 1_048_576 });

describe('thresholdMarkers', () => {
  it('marks a crossing once and its recovery once', () => {
    const active = new Set<string>();
    const t = { cpu_temp_c: 80 };
    expect(thresholdMarkers(reading(70), t, active)).toEqual([]);
    const over = thresholdMarkers(reading(85), t, active);
    expect(over).toHaveLength(1);
    expect(over[0]).toMatchObject({ marker: { kind: 'health_threshold', severity: 2, tags: { signal: 'cpu_temp_c', state: 'over' } } });
    expect(thresholdMarkers(reading(90), t, active)).toEqual([]);
    const back = thresholdMarkers(reading(75), t, active);
    expect(back[0]).toMatchObject({ marker: { severity: 1, tags: { state: 'recovered' } } });
  });
  it('ignores readings a machine does not have', () => {
    expect(thresholdMarkers({ processRssBytes: 1 }, { cpu_temp_c: 10 }, new Set())).toEqual([]);
  });
});

describe('health source', () => {
  it('records Health at its period and Markers on crossings', async () => {
    const bodies: Body[] = [];
    const temps = [70, 90, 90];
    let i = 0;
    const source = createHealthSource(healthSourceSchema.parse({ period_ms: 100, thresholds: { cpu_temp_c: 80 } }), {
      deviceId: 'd1', clock: manualClock(), log: createLogger('silent'),
      capture: async (b) => { bodies.push(b); return { seq: bodies.length, hash: new Uint8Array(32) }; },
      evaluate: async () => undefined,
    }, async () => reading(temps[Math.min(i++, temps.length - 1)]));
    await source.start();
    await new Promise((r) => setTimeout(r, 350));
    await source.stop();
    expect(bodies.filter((b) => 'health' in b).length).toBeGreaterThanOrEqual(3);
    expect(bodies.filter((b) => 'marker' in b)).toHaveLength(1);
    expect(source.counters().readings).toBeGreaterThanOrEqual(3);
  });
  it('reads the real machine without failing', async () => {
    const { readHealth } = await import('../../agent/sources/health/read-health.js');
    const r = await readHealth('/');
    expect(r.processRssBytes).toBeGreaterThan(0);
    expect(r.memTotalBytes).toBeGreaterThan(0);
  });
});
