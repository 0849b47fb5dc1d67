// Hub stores filled through the hub's real verify-and-commit path (test/analytics/analyst-world.ts histories:
// boots, samples, decisions, handovers, an evicted range and its Gap), exported as packets and read back.
import { join } from 'node:path';
import { loadOddFile } from '../../config/odd-config.js';
import { exportPacket, type ExportScope, type ExportSummary } from '../../hub/export/index.js';
import type { HubStore } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import type { DeviceKey } from '../../proto/index.js';
import { openPacketFile } from '../../proto/node.js';
import { verifyPacket, type PacketVerdict, type VerifyPacketOptions } from '../../proto/packet/index.js';
import { ingest, randomConditions, randomHistory, rng, segmentsOf, type History } from '../analytics/analyst-world.js';
import { testKey } from '../helpers/keys.js';

export const taxonomy = loadOddFile();
/** The hub's key in every evidence test: seed 0x2a. */
export const hubKey = (): Promise<DeviceKey> => testKey(0x2a);

export interface World {
  store: HubStore;
  path: string;
  keys: Map<string, DeviceKey>;
  histories: Map<string, History>;
}

/** Devices with seeded histories of `n` records each, ingested in order (the evicted ranges withheld). */
export async function world(dir: string, n = 120, devices: [string, number, [number, number]][] = [['field-1', 1, [1, 2]], ['sim-1', 2, [2, 3]]]): Promise<World> {
  const path = join(dir, 'hub.db');
  const store = await openSqliteStore(path);
  const keys = new Map<string, DeviceKey>();
  const histories = new Map<string, History>();
  for (const [deviceId, seed, sources] of devices) {
    const key = await testKey(seed);
    await store.addDeviceKey(deviceId, key.keyId, key.publicKey);
    const { history, evicted } = randomHistory(deviceId, 10 + seed, n, sources);
    await ingest(store, deviceId, segmentsOf(history, key, 20 + seed, evicted));
    keys.set(deviceId, key);
    histories.set(deviceId, history);
  }
  return { store, path, keys, histories };
}

export async function exportTo(w: { store: HubStore }, out: string, scope: ExportScope = {}, now = () => Date.now()): Promise<ExportSummary> {
  return exportPacket({ store: w.store, out, hubKey: await hubKey(), taxonomy, scope, now });
}

export async function verifyFile(path: string, o: Omit<VerifyPacketOptions, 'earlier'> & { earlier?: string } = {}): Promise<PacketVerdict> {
  const packet = await openPacketFile(path);
  const earlier = o.earlier ? await openPacketFile(o.earlier) : undefined;
  try {
    return await verifyPacket(packet, { ...o, earlier });
  } finally {
    await packet.close();
    await earlier?.close();
  }
}

/** The problem codes of a verdict, without repeats, in the order found. */
export const codes = (v: PacketVerdict): string[] => [...new Set(v.problems.map((p) => p.code))];

/**
 * Appends `count` records to a device's history (after its last time), a Boot first when `boot` is given (a restart
 * with that Provenance.Source) and Conditions after it, and ingests them as new segments.
 */
export async function more(w: World, deviceId: string, count: number, o: { seed?: number; boot?: number; matrix?: string } = {}): Promise<void> {
  const seed = o.seed ?? 7;
  const h = w.histories.get(deviceId)!;
  const stored = new Set(h.records.map((r) => r.seq));
  const r = rng(seed);
  let t = h.records[h.records.length - 1].timeMs;
  for (let i = 0; i < count; i++) {
    h.append(i === 0 && o.boot !== undefined ? { boot: { agentVersion: 'test', keyId: 'k', provenance: { source: o.boot, missionId: 'm2', matrixId: o.matrix } } } : randomConditions(r), (t += 1000));
  }
  await ingest(w.store, deviceId, segmentsOf(h, w.keys.get(deviceId)!, seed, stored));
}
