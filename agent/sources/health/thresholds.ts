// Threshold crossings in health readings: a WARNING Marker when a reading goes over its threshold,
// an INFO Marker when it comes back. Pure: the caller keeps the set of active alarms.
import type { HealthSourceConfig } from '../../../config/index.js';
import type { Body } from '../../../proto/index.js';
import type { HealthReading } from './read-health.js';

const INFO = 1;
const WARNING = 2;

export function healthValues(r: HealthReading): Record<keyof HealthSourceConfig['thresholds'], number | undefined> {
  const pct = (used?: number, total?: number) => (used !== undefined && total ? (used / total) * 100 : undefined);
  return {
    cpu_load_pct: r.cpuLoadPct,
    cpu_temp_c: r.cpuTempC,
    mem_used_pct: pct(r.memUsedBytes, r.memTotalBytes),
    disk_used_pct: pct(r.diskUsedBytes, r.diskTotalBytes),
    process_rss_mb: r.processRssBytes / 1_048_576,
  };
}

export function thresholdMarkers(reading: HealthReading, thresholds: HealthSourceConfig['thresholds'], active: Set<string>): Body[] {
  const markers: Body[] = [];
  const values = healthValues(reading);
  for (const [name, limit] of Object.entries(thresholds) as [keyof typeof values, number | undefined][]) {
    const value = values[name];
    if (limit === undefined || value === undefined) continue;
    const over = value > limit;
    if (over && !active.has(name)) {
      active.add(name);
      markers.push(marker(WARNING, `${name} ${value.toFixed(1)} above ${limit}`, name, value, limit, 'over'));
    } else if (!over && active.has(name)) {
      active.delete(name);
      markers.push(marker(INFO, `${name} ${value.toFixed(1)} back within ${limit}`, name, value, limit, 'recovered'));
    }
  }
  return markers;
}

function marker(severity: number, text: string, name: string, value: number, limit: number, state: string): Body {
  return { marker: { kind: 'health_threshold', text, severity, tags: { signal: name, value: value.toFixed(3), threshold: String(limit), state } } };
}
