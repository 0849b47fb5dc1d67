// A seal counts only from a key inside its window: received by the hub while the key was registered and not
// revoked, over records the device did not date after the revocation, and for a rotated key only up to its
// KeyRotation record (its successor only after it). Stores filled through the hub's ingest path.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSegment, type Body, type DeviceKey } from '../../proto/index.js';
import { ingest, History } from '../analytics/analyst-world.js';
import { sealOver } from '../helpers/chain-builder.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { codes, exportTo, verifyFile, world } from './evidence-world.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';

const tempDir = useTempDirs('fieldproof-keys-');
const sample: Body = { conditions: { sourceId: 't', lighting: { lux: 500 } } };
const segment = (h: History, first: number, last: number, key: DeviceKey) => {
  const records = h.records.filter((r) => r.seq >= first && r.seq <= last).map((r) => r.bytes);
  return encodeSegment(records, sealOver(records, key));
};

describe('key windows', () => {
  it('fails a segment received after its key was revoked, naming the segment', async () => {
    const dir = tempDir();
    const w = await world(dir, 60, [['field-1', 1, [1, 1]]]);
    const out = join(dir, 'p.tar');
    let lastFirst = 0;
    try {
      const db = new Database(w.path);
      const last = db.prepare('SELECT received_ms FROM segments ORDER BY first_seq DESC LIMIT 1').get() as { received_ms: number };
      db.prepare('UPDATE device_keys SET revoked_ms = ?').run(last.received_ms);
      // every segment the hub received at or after that moment (the same millisecond included) is outside the window
      lastFirst = (db.prepare('SELECT MIN(first_seq) AS s FROM segments WHERE received_ms >= ?').get(last.received_ms) as { s: number }).s;
      db.close();
      await exportTo(w, out);
    } finally {
      await w.store.close();
    }
    const v = await verifyFile(out);
    const p = v.problems.find((x) => x.code === 'KEY_WINDOW');
    expect(codes(v)).toEqual(['KEY_WINDOW']);
    expect(p?.message).toMatch(/received by the hub at .* after the key was revoked/);
    expect(p?.seq).toBe(lastFirst);
    expect(p?.file).toBe('devices/0001/segments-000001.bin');
  });

  it('fails segments received before their key was registered', async () => {
    const dir = tempDir();
    const w = await world(dir, 30, [['field-1', 1, [1, 1]]]);
    const out = join(dir, 'p.tar');
    try {
      const db = new Database(w.path);
      db.prepare('UPDATE device_keys SET added_ms = added_ms + 86400000').run();
      db.close();
      await exportTo(w, out);
    } finally {
      await w.store.close();
    }
    const v = await verifyFile(out);
    expect(codes(v)).toEqual(['KEY_WINDOW']);
    expect(v.devices[0].problems.filter((p) => p.code === 'KEY_WINDOW').length).toBe(v.devices[0].segments);
    expect(v.devices[0].problems[0].message).toMatch(/before the key was registered/);
  });

  it('fails records the device dated after its key was revoked', async () => {
    const dir = tempDir();
    const store = await openSqliteStore(join(dir, 'hub.db'));
    const key = await testKey(3);
    const out = join(dir, 'p.tar');
    try {
      await store.addDeviceKey('ugv-7', key.keyId, key.publicKey);
      const h = new History('ugv-7');
      const t = Date.now();
      h.append({ boot: { agentVersion: 't', keyId: key.keyId } }, t - 5000);
      for (let i = 0; i < 4; i++) h.append(sample, t - 4000 + i * 1000);
      // a clock running a day ahead: these records are dated after the revocation that follows
      for (let i = 0; i < 3; i++) h.append(sample, t + 86_400_000 + i * 1000);
      await ingest(store, 'ugv-7', [segment(h, 1, 5, key), segment(h, 6, 8, key)]);
      await store.revokeDevice('ugv-7');
      await exportTo({ store }, out);
    } finally {
      await store.close();
    }
    const v = await verifyFile(out);
    expect(codes(v)).toEqual(['KEY_WINDOW']);
    expect(v.problems[0]).toMatchObject({ device: 'ugv-7', seq: 6 });
    expect(v.problems[0].message).toMatch(/over records dated .* after the key was revoked/);
  });

  it('a rotated key seals up to its KeyRotation record, its successor after it; the old key after that fails', async () => {
    const dir = tempDir();
    const store = await openSqliteStore(join(dir, 'hub.db'));
    const [k1, k2] = [await testKey(4), await testKey(5)];
    const good = join(dir, 'good.tar');
    const bad = join(dir, 'bad.tar');
    try {
      await store.addDeviceKey('uav-9', k1.keyId, k1.publicKey);
      const h = new History('uav-9');
      const t = Date.UTC(2026, 0, 1);
      h.append({ boot: { agentVersion: 't', keyId: k1.keyId } }, t);
      for (let i = 1; i <= 3; i++) h.append(sample, t + i * 1000);
      h.append({ keyRotation: { oldKeyId: k1.keyId, newKeyId: k2.keyId, newPublicKey: k2.publicKey, reason: 'scheduled' } }, t + 4000);
      for (let i = 5; i <= 10; i++) h.append(sample, t + i * 1000);
      await ingest(store, 'uav-9', [segment(h, 1, 5, k1)]);
      await ingest(store, 'uav-9', [segment(h, 6, 8, k2)]);
      await exportTo({ store }, good);
      // the hub still trusts the old key (rotation does not revoke it): a seal by it after the rotation is stored
      await ingest(store, 'uav-9', [segment(h, 9, 10, k1)]);
      await exportTo({ store }, bad);
    } finally {
      await store.close();
    }
    const ok = await verifyFile(good);
    expect(codes(ok)).toEqual([]);
    expect(ok.devices[0].key_ids.sort()).toEqual([k1.keyId, k2.keyId].sort());
    const v = await verifyFile(bad);
    expect(codes(v)).toEqual(['KEY_WINDOW']);
    expect(v.problems[0]).toMatchObject({ device: 'uav-9', seq: 9 });
    expect(v.problems[0].message).toMatch(/KeyRotation record at seq 5 handed over/);
  });
});
