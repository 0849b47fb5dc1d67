// Reads one device's mission from a hub's SQLite store, read-only: the raw segments as received, checked
// against the keys registered there. Reads the hub's `segments` and `device_keys` tables, never hub/ code.
import type { OutboxDatabase } from '../../agent/index.js';
import { decodeSegment, GENESIS, KeyRing, keyIdOf, verifyChain, type ChainReport, type SealMessage } from '../../proto/index.js';
import { MissionSourceError, type Mission, type MissionVerification, type OpenMissionOptions } from './mission.js';
import { followChain, pagedRecords, refuseUnverified, verifyFailure } from './record-stream.js';

/** `db` is a read-only handle on a hub store file (tables as in hub/store/tables.ts). */
export function openHubStoreMission(db: OutboxDatabase, path: string, options: OpenMissionOptions): Mission {
  const devices = db.prepare('SELECT DISTINCT device_id FROM segments ORDER BY device_id').pluck().all() as string[];
  const deviceId = options.device ?? (devices.length === 1 ? devices[0] : undefined);
  if (deviceId === undefined) {
    throw new MissionSourceError('NO_DEVICE', devices.length === 0
      ? `${path}: this hub store holds no segments yet`
      : `${path}: a hub store holding ${devices.length} devices (${devices.join(', ')}): pass --device ID`);
  }
  if (!devices.includes(deviceId)) {
    throw new MissionSourceError('NO_DEVICE', `${path}: the hub store holds no segments of device "${deviceId}"${devices.length ? ` (it has ${devices.join(', ')})` : ''}`);
  }
  const registered = (db.prepare('SELECT public_key FROM device_keys WHERE device_id = ? ORDER BY added_ms').pluck().all(deviceId) as Uint8Array[]);
  const keys = new KeyRing(options.trustedKeys?.length ? options.trustedKeys : registered);
  const trust = options.trustedKeys?.length
    ? `trusted key(s) ${keys.ids().join(', ')}`
    : `the key(s) registered for ${deviceId} in the hub store (${registered.map(keyIdOf).join(', ') || 'none'})`;

  let report: ChainReport;
  try {
    report = db.transaction(() => verifyChain({
      deviceId,
      base: GENESIS,
      segments: decodedSegments(db.prepare('SELECT raw FROM segments WHERE device_id = ? ORDER BY first_seq').pluck().iterate(deviceId) as Iterable<Uint8Array>),
      keys,
    }))();
  } catch (err) {
    throw verifyFailure(path, err);
  }
  const verification: MissionVerification = { ...report, trust };
  refuseUnverified(path, verification, options);
  const page = db.prepare('SELECT first_seq, raw FROM segments WHERE device_id = ? AND first_seq > ? ORDER BY first_seq LIMIT 64');
  return {
    source: 'hub-store',
    path,
    deviceId,
    verification,
    records: () => followChain(path, verification, options, pagedRecords(
      (after) => page.all(deviceId, after) as { first_seq: number; raw: Uint8Array }[],
      (row) => ({ key: row.first_seq, records: decodeSegment(row.raw).records }),
    )),
    close: () => db.close(),
  };
}

function* decodedSegments(raws: Iterable<Uint8Array>): Generator<{ records: Uint8Array[]; seal: SealMessage }> {
  for (const raw of raws) {
    const segment = decodeSegment(raw);
    yield { records: segment.records, seal: segment.seal as SealMessage };
  }
}
