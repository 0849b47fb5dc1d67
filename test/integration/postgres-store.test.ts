// The hub store on the real PostgreSQL (127.0.0.1:5432): the same records ingested and analysed on SQLite and on
// PostgreSQL give the same chain state, aggregates, logs and reports; a hub on PostgreSQL delivers, restarts, reindexes.
// Without PostgreSQL the suite is reported skipped; with FIELDPROOF_REQUIRE_SERVICES=1 (CI) it fails instead.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { Analyst, coverageReport, decisionLog, deviceReport, handoverLog, openStore, performanceReport, type HubStore } from '../../hub/index.js';
import { verifyStoredChain } from '../../hub/verify-stored.js';
import { embeddedBroker } from '../helpers/brokers.js';
import { captureMixed } from '../helpers/e2e-bodies.js';
import { expectIntact, waitForContiguous, waitOutboxEmpty } from '../helpers/e2e-checks.js';
import { E2eWorld } from '../helpers/e2e-world.js';
import { testKey } from '../helpers/keys.js';
import { freshSchema, postgresAvailable } from '../helpers/postgres.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { ingest, randomHistory, segmentsOf } from '../analytics/analyst-world.js';

const available = await postgresAvailable().catch((err: Error) => err);
const taxonomy = loadOddFile();
const tempDir = useTempDirs('fieldproof-pg-');

/** Everything a report reads, with the receive times (which differ run to run) left out. */
async function snapshot(store: HubStore) {
  const a = store.analytics();
  const fp = taxonomy.fingerprint;
  const states = (await store.deviceStates()).map(({ lastSeenMs: _l, clockOffsetMs: _c, ...s }) => s);
  const devices = (await deviceReport(store)).map(({ last_seen_ms: _l, clock_offset_ms: _c, keys, ...d }) => ({ ...d, keys: keys.map((k) => k.key_id) }));
  return {
    states, devices,
    coverage: await Promise.all(states.map((s) => store.coverage(s.deviceId))),
    cells: await a.aggregateRows(fp), bins: await a.histogramRows(fp), cursors: await a.cursors(fp),
    handovers: await handoverLog(store, taxonomy), decisions: await decisionLog(store, taxonomy),
    report: await coverageReport(store, taxonomy), performance: await performanceReport(store, taxonomy),
    chains: await Promise.all(states.map(async (s) => (await verifyStoredChain(store, s.deviceId)).ok)),
  };
}

async function fill(store: HubStore): Promise<void> {
  for (const [deviceId, seed, sources] of [['ugv-1', 41, [1, 1]], ['sim-1', 42, [2, 2]], ['mix-1', 43, [1, 2]]] as const) {
    const key = await testKey(seed);
    await store.addDeviceKey(deviceId, key.keyId, key.publicKey);
    const { history, evicted } = randomHistory(deviceId, seed, 600, [...sources]);
    await ingest(store, deviceId, segmentsOf(history, key, seed, evicted));
  }
  await new Analyst({ store, taxonomy }).catchUp();
}

if (available instanceof Error) {
  describe('PostgreSQL store', () => {
    it('needs PostgreSQL on 127.0.0.1:5432 (FIELDPROOF_REQUIRE_SERVICES=1)', () => {
      throw available;
    });
  });
} else {
  describe.skipIf(!available)('PostgreSQL store', () => {
    const schemas: { drop(): Promise<void> }[] = [];
    let pgUrl = '';
    beforeAll(async () => {
      const s = await freshSchema();
      schemas.push(s);
      pgUrl = s.url;
    });
    afterAll(async () => {
      for (const s of schemas) await s.drop();
    });

    it('holds and reports exactly what the SQLite store does for the same records', async () => {
      const sqlite = await openStore({ driver: 'sqlite', path: join(tempDir(), 'hub.db') });
      const postgres = await openStore({ driver: 'postgres', path: '', url: pgUrl });
      try {
        await fill(sqlite);
        await fill(postgres);
        const expected = await snapshot(sqlite);
        expect(expected.cells.length).toBeGreaterThan(10);
        expect(expected.chains).toEqual([true, true, true]);
        expect(await snapshot(postgres)).toEqual(expected);
        // a second pass finds nothing left; a rebuild gives the same aggregates
        expect((await new Analyst({ store: postgres, taxonomy }).catchUp())).toBe(0);
        const live = await postgres.analytics().aggregateRows(taxonomy.fingerprint);
        await postgres.analytics().reset(taxonomy.fingerprint);
        await new Analyst({ store: postgres, taxonomy }).catchUp();
        expect(await postgres.analytics().aggregateRows(taxonomy.fingerprint)).toEqual(live);
      } finally {
        await sqlite.close();
        await postgres.close();
      }
    });

    it('a hub on PostgreSQL stores an agent\'s records, restarts, and keeps the chain whole', async () => {
      const s = await freshSchema();
      schemas.push(s);
      const world = new E2eWorld(embeddedBroker());
      try {
        const broker = await world.startBroker();
        const device = await world.device('pg');
        const store = { driver: 'postgres' as const, url: s.url };
        const hub1 = await world.startHub({ brokerUrl: broker.url, store });
        await world.register(hub1, device);
        const agent = await world.startAgent({ device, brokerUrl: broker.url });
        await captureMixed(agent, 3000);
        await waitForContiguous(hub1, device.deviceId, 3000);
        await world.stopHub(hub1);
        await captureMixed(agent, 2000, { from: 3000 });
        const hub2 = await world.startHub({ brokerUrl: broker.url, store });
        await waitOutboxEmpty(agent);
        await expectIntact(hub2, device.deviceId, agent.outbox.headSeq());
        expect(agent.outbox.headSeq()).toBeGreaterThanOrEqual(5000);
      } finally {
        await world.close();
      }
    });

    it('names the server when it cannot connect', async () => {
      await expect(openStore({ driver: 'postgres', path: '', url: 'postgres://fp:secret@127.0.0.1:1/none' }))
        .rejects.toThrow(/^postgres:\/\/fp:\*\*\*@127\.0\.0\.1:1\/none: cannot open hub store: /);
    });
  });
}
