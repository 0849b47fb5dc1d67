// Sealed Segment payloads exactly as an agent sends them: Conditions records appended to a real Outbox
// (fresh key, given seal size), sealed, and read back with pendingSegments. The input of ingest and raw-transport baselines.
import type { PendingSegment } from '../../agent/outbox/index.js';
import { type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { conditionsBody } from './bodies.js';
import { openBenchOutbox } from './bench-outbox.js';
import { inBursts } from './bursts.js';

export interface BuiltSegments {
  deviceId: string;
  key: DeviceKey;
  segments: PendingSegment[];
  records: number;
  bytes: number;
}

/** `records` Conditions records sealed `perSegment` at a time; the outbox file stays in `dir`. */
export async function buildSegments(dir: string, name: string, records: number, perSegment: number, deviceId = `uav-bench-${name}`): Promise<BuiltSegments> {
  const key = await generateDeviceKey();
  const outbox = await openBenchOutbox(dir, name, { deviceId, key, sealMaxRecords: perSegment, sealTimer: false });
  try {
    await inBursts(records, (i) => outbox.append(conditionsBody(i)));
    outbox.sealIfDue(true);
    const segments = outbox.pendingSegments(records + 1);
    const bytes = segments.reduce((n, s) => n + s.payload.length, 0);
    return { deviceId, key, segments, records, bytes };
  } finally {
    outbox.close();
  }
}
