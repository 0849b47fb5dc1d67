// The real hub process (`fieldproof hub`, embedded broker) SIGKILLed while it ingests and analyses, restarted on
// the same store: after every kill the aggregates equal a recomputation up to the cursors, and at the end, all of it.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { segTopic } from '../../hub/ingest/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { testKey, writeHubKeySync } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { bruteForceBins, bruteForceRows, type LogEntry } from './analyst-brute.js';
import { randomHistory, segmentsOf } from './analyst-world.js';

const tempDir = useTempDirs('fieldproof-analyst-kill-');
const taxonomy = loadOddFile();
const byKey = <T extends { deviceId: string; bucketMs: number; cell: string; source: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (JSON.stringify([a.deviceId, a.bucketMs, a.cell, a.source]) < JSON.stringify([b.deviceId, b.bucketMs, b.cell, b.source]) ? -1 : 1));

/** Bin counts by key, for an order-free comparison. */
const binTotal = (rows: { deviceId: string; bucketMs: number; source: string; feature: string; bin: number; count: number }[]) =>
  Object.fromEntries(rows.map((r) => [`${r.deviceId}|${r.bucketMs}|${r.source}|${r.feature}|${r.bin}`, r.count]).sort());

function startHub(configFile: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'hub', '-c', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /"url":"(mqtt:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('close', (code) => reject(new Error(`hub exited (${code}) before listening: ${out.slice(-1000)}`)));
  });
  return { child, url };
}

async function publishAll(url: string, deliveries: { deviceId: string; payload: Uint8Array }[]): Promise<void> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  // not awaited one by one: the hub is killed while these are in flight
  void Promise.all(deliveries.map((d) => client.publishAsync(segTopic(d.deviceId), Buffer.from(d.payload), { qos: 1 }))).catch(() => {});
  client.stream.on('error', () => {});
}

describe('analyst across SIGKILL of the hub', () => {
  it('counts nothing twice and nothing lost', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const path = join(dir, 'hub.db');
    const hubKey = writeHubKeySync(join(dir, 'keys'));
    const configFile = join(dir, 'hub.yaml');
    writeFileSync(configFile, JSON.stringify({
      hub_id: 'kill-test', key_file: hubKey.keyFile, store: { driver: 'sqlite', path },
      embedded_broker: { enabled: true, host: '127.0.0.1', port: 0 }, metrics: { port: 0 }, log: { level: 'info' },
    }));
    const deliveries: { deviceId: string; payload: Uint8Array }[] = [];
    const lastSeq = new Map<string, number>();
    const perDevice: { deviceId: string; payload: Uint8Array }[][] = [];
    let store = await openSqliteStore(path);
    for (const [deviceId, seed, sources] of [['field-9', 21, [1, 2]], ['sim-9', 22, [2, 2]]] as const) {
      const key = await testKey(seed);
      await store.addDeviceKey(deviceId, key.keyId, key.publicKey);
      const { history, evicted } = randomHistory(deviceId, seed, 1500, [...sources]);
      lastSeq.set(deviceId, history.records.length);
      perDevice.push(segmentsOf(history, key, seed, evicted).map((payload) => ({ deviceId, payload })));
    }
    // the devices' segments interleaved, as a fleet sends them
    for (let i = 0; i < Math.max(...perDevice.map((p) => p.length)); i++) for (const p of perDevice) if (p[i]) deliveries.push(p[i]);
    await store.close();

    const side = new Database(path, { readonly: true, fileMustExist: true });
    const count = () => (side.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    try {
      for (const part of [0.3, 0.6, 0.9]) {
        const hub = startHub(configFile);
        await publishAll(await hub.url, deliveries.slice(0, Math.floor(deliveries.length * part)));
        const target = count() + 200;
        await waitFor('records stored', () => count() >= target || undefined, { timeoutMs: 30_000 });
        hub.child.kill('SIGKILL');
        await new Promise((resolve) => hub.child.once('close', resolve));
        // what the aggregates hold is exactly the records up to each cursor
        store = await openSqliteStore(path);
        const cursors = new Map((await store.analytics().cursors(taxonomy.fingerprint)).map((c) => [c.deviceId, c.seq]));
        const rows = await store.analytics().aggregateRows(taxonomy.fingerprint);
        expect(byKey(rows)).toEqual(byKey(await bruteForceRows(store, taxonomy, 5000, cursors)));
        expect(binTotal(await store.analytics().histogramRows(taxonomy.fingerprint))).toEqual(binTotal(await bruteForceBins(store, taxonomy, cursors)));
        await store.close();
      }
      const hub = startHub(configFile);
      await publishAll(await hub.url, deliveries);
      const done = () => {
        const rows = side.prepare(`SELECT s.device_id, s.contiguous_seq, c.seq FROM device_state s LEFT JOIN analytics_cursor c
          ON c.device_id = s.device_id AND c.taxonomy = ?`).all(taxonomy.fingerprint) as { device_id: string; contiguous_seq: number; seq: number | null }[];
        return rows.length === 2 && rows.every((r) => r.contiguous_seq === lastSeq.get(r.device_id) && r.seq === r.contiguous_seq) || undefined;
      };
      await waitFor('everything stored and analysed', done, { timeoutMs: 60_000 });
      hub.child.kill('SIGTERM');
      await new Promise((resolve) => hub.child.once('close', resolve));
    } finally {
      side.close();
    }
    store = await openSqliteStore(path);
    try {
      const rows = await store.analytics().aggregateRows(taxonomy.fingerprint);
      const log: LogEntry[] = [];
      expect(byKey(rows)).toEqual(byKey(await bruteForceRows(store, taxonomy, 5000, undefined, log)));
      expect((await store.analytics().handovers(taxonomy.fingerprint)).map((h) => `${h.deviceId}|${h.seq}|${h.cell}`).sort())
        .toEqual(log.filter((e) => e.kind === 'handover').map((e) => `${e.deviceId}|${e.seq}|${e.cell}`).sort());
      expect((await store.analytics().decisions(taxonomy.fingerprint)).length).toBe(log.filter((e) => e.kind === 'decision').length);
      expect(binTotal(await store.analytics().histogramRows(taxonomy.fingerprint))).toEqual(binTotal(await bruteForceBins(store, taxonomy)));
      expect(rows.reduce((s, r) => s + r.samples, 0)).toBeGreaterThan(1000);
    } finally {
      await store.close();
    }
  });
});
