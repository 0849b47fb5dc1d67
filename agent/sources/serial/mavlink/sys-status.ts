// SYS_STATUS -> Health.sensors: one entry per sensor the autopilot reports present, ok when it is
// both enabled and healthy. Recorded when any bit changes, and otherwise every refreshMs. Pure.
import type { Body, Health } from '../../../../proto/index.js';
import type { SysStatus } from './messages.js';

export type SensorHealth = NonNullable<Health['sensors']>[number];

/** MAV_SYS_STATUS_EXTENSION_USED marks the extended fields; it is not a sensor. */
const EXTENSION_USED = 0x80000000;

export function sensorsOf(s: SysStatus, nameOf: (bit: number) => string | undefined, sourceId: string): SensorHealth[] {
  const sensors: SensorHealth[] = [];
  for (let i = 0; i < 32; i++) {
    const bit = 2 ** i;
    if (bit === EXTENSION_USED || !has(s.present, bit)) continue;
    const enabled = has(s.enabled, bit);
    const healthy = has(s.health, bit);
    sensors.push({
      name: nameOf(bit) ?? `sensor_bit_${i}`,
      ok: enabled && healthy,
      detail: `${sourceId} system ${s.sysid}: ${enabled ? 'enabled' : 'disabled'}, ${healthy ? 'healthy' : 'unhealthy'}`,
    });
  }
  return sensors;
}

function has(mask: number, bit: number): boolean {
  return Math.floor((mask >>> 0) / bit) % 2 === 1;
}

export class SensorHealthTracker {
  private lastKey: string | undefined;
  private lastAtMs = -Infinity;

  constructor(private readonly nameOf: (bit: number) => string | undefined, private readonly sourceId: string, private readonly refreshMs = 5000) {}

  /** A Health body when the sensor bits changed or refreshMs has passed since the last one; else undefined. */
  update(s: SysStatus, nowMs: number): Body | undefined {
    const key = `${s.sysid}:${s.present >>> 0}:${(s.enabled & s.present) >>> 0}:${(s.health & s.present) >>> 0}`;
    if (key === this.lastKey && nowMs >= this.lastAtMs && nowMs - this.lastAtMs < this.refreshMs) return undefined;
    this.lastKey = key;
    this.lastAtMs = nowMs;
    return { health: { sensors: sensorsOf(s, this.nameOf, this.sourceId) } };
  }
}
