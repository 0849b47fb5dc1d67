// Which devices and which of their segments a packet holds: every device (or those named, or a matrix run's),
// and with a time window the segments from the last Boot before the window (so every record keeps its run's
// provenance) to the last segment holding a record inside it.
import type { Taxonomy } from '../../config/odd-config.js';
import { decodeEnvelope, decodeSegment } from '../../proto/index.js';
import { resolveScope } from '../analytics/report-scope.js';
import type { HubStore } from '../store/index.js';

export interface ExportScope {
  devices?: string[];
  matrixId?: string;
  /** Records captured at or after this time (device clock, Unix ms)... */
  sinceMs?: number;
  /** ...and before this one. */
  untilMs?: number;
}

export interface DevicePlan {
  deviceId: string;
  /** The first seq the packet answers for (1: the chain from its start), and the first stored segment to read. */
  firstSeq: number;
  fromSegment: number;
  /** The first seq of the last segment to read (Infinity: to the end). */
  throughSegment: number;
  /** The window ends before the device's newest records: the checkpoint is signed at the packet's last seq. */
  cutAtTail: boolean;
}

export class ScopeError extends Error {}

export async function planExport(store: HubStore, taxonomy: Taxonomy, scope: ExportScope): Promise<DevicePlan[]> {
  const registered = new Set((await store.listDevices()).map((d) => d.deviceId));
  const unknown = scope.devices?.filter((d) => !registered.has(d)) ?? [];
  if (unknown.length) throw new ScopeError(`--device: ${unknown.map((d) => `"${d}"`).join(', ')} not registered at this hub (see \`fieldproof hub devices list\`)`);
  let ids = (await store.deviceStates()).map((s) => s.deviceId);
  if (scope.devices) ids = ids.filter((d) => scope.devices!.includes(d));
  if (scope.matrixId !== undefined) {
    const filter = await resolveScope(store, taxonomy, { matrixId: scope.matrixId });
    ids = ids.filter((d) => filter.deviceIds?.includes(d));
  }
  const plans: DevicePlan[] = [];
  for (const deviceId of ids.sort()) {
    const plan = scope.sinceMs === undefined && scope.untilMs === undefined
      ? { deviceId, firstSeq: 1, fromSegment: 0, throughSegment: Infinity, cutAtTail: false }
      : await windowPlan(store, deviceId, scope);
    if (plan) plans.push(plan);
  }
  return plans;
}

/** One pass over the device's envelopes: which segments hold the window, back to the last Boot before it. */
async function windowPlan(store: HubStore, deviceId: string, scope: ExportScope): Promise<DevicePlan | undefined> {
  const since = scope.sinceMs ?? -Infinity;
  const until = scope.untilMs ?? Infinity;
  let firstSegment: number | undefined;
  let bootSegment: number | undefined;
  let startSegment: number | undefined;
  let lastIn: number | undefined;
  let after = false;
  for await (const s of store.rawSegments(deviceId)) {
    firstSegment ??= s.firstSeq;
    for (const bytes of decodeSegment(s.raw).records) {
      const env = decodeEnvelope(bytes);
      const ms = Number(env.timeUnixNs / 1_000_000n);
      const inside = ms >= since && ms < until;
      if (env.kind === 'boot' && startSegment === undefined) bootSegment = s.firstSeq;
      if (inside) {
        startSegment ??= bootSegment ?? s.firstSeq;
        lastIn = s.firstSeq;
      } else if (ms >= until) after = true;
    }
  }
  if (startSegment === undefined || lastIn === undefined) return undefined;
  return { deviceId, firstSeq: startSegment === firstSegment ? 1 : startSegment, fromSegment: startSegment, throughSegment: lastIn, cutAtTail: after };
}
