// A small matrix end to end: each row a real agent with its own key and outbox, syncing over MQTT to an
// embedded hub; every row's records stored and re-verified at the hub, each Boot tagged with its row.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMatrix } from '../../config/matrix-config.js';
import { defaultHubConfig } from '../../config/index.js';
import { Hub, createLogger, verifyStoredChain } from '../../hub/index.js';
import { decodeRecord, decodeSegment, recordToJson, toNumber } from '../../proto/index.js';
import { planMatrix, runMatrix, summarizeRows, type HubReader, type MatrixHub } from '../../simulator/matrix/index.js';
import { WORLD_MODEL } from '../../simulator/models/index.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('fp-sim-matrix-');
const hubs: Hub[] = [];
afterAll(async () => {
  for (const h of hubs) await h.stop();
});

const MATRIX = `id: tiny
seed: 5
ramp_s: 4
base:
  duration_s: 14
  rate_hz: 10
  decision_hz: 2
  risk_level: medium
  operator: { reaction_s: 0.5 }
dimensions:
  weather: [clear, fog]
  occlusion: [none, heavy]
`;

async function embeddedHub(dir: string): Promise<{ hub: Hub; link: MatrixHub; reader: HubReader }> {
  const config = defaultHubConfig(dir);
  config.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
  config.store.path = join(dir, 'hub.db');
  const hub = await Hub.start(config, { logger: createLogger('silent'), key: await testKey(77) });
  hubs.push(hub);
  return {
    hub,
    link: { mqttUrl: hub.mqttUrl, protocolVersion: 4, hubPublicKeys: [hub.key.publicKey], register: async (id, key, label) => void (await hub.store.addDeviceKey(id, key.keyId, key.publicKey, label)) },
    reader: {
      countRecords: (id) => hub.store.countRecords(id),
      verify: async (id) => {
        const r = await verifyStoredChain(hub.store, id);
        return { ok: r.ok, records: r.records, problem: r.problems[0]?.message };
      },
      firstRecord: async (id) => {
        for await (const s of hub.store.rawSegments(id)) return s.firstSeq === 1 ? decodeSegment(s.raw).records[0] : undefined;
        return undefined;
      },
    },
  };
}

async function storedRecords(hub: Hub, deviceId: string) {
  const out = [];
  for await (const s of hub.store.rawSegments(deviceId)) out.push(...decodeSegment(s.raw).records.map(decodeRecord));
  return out.sort((a, b) => toNumber(a.seq) - toNumber(b.seq));
}

describe('matrix run against a hub', () => {
  it('runs every row through a real agent, and the hub holds, verifies and attributes every record', async () => {
    const dir = tempDir();
    const { hub, link, reader } = await embeddedHub(dir);
    const plan = planMatrix(parseMatrix('tiny.yaml', MATRIX));
    expect(plan.rows).toHaveLength(4);
    const done: string[] = [];
    const results = await runMatrix({ plan, dir, hub: link, parallel: 2, onRowDone: (r) => done.push(r.row.id) });
    expect(done.sort()).toEqual(['r01', 'r02', 'r03', 'r04']);
    expect(results.every((r) => r.drained)).toBe(true);

    for (const r of results) {
      const state = await hub.store.deviceState(r.deviceId);
      expect(await hub.store.countRecords(r.deviceId)).toBe(r.records);
      expect(state).toMatchObject({ headSeq: r.records, contiguousSeq: r.records });
      const report = await verifyStoredChain(hub.store, r.deviceId);
      expect(report).toMatchObject({ ok: true, records: r.records });
      const [boot] = await storedRecords(hub, r.deviceId);
      const provenance = recordToJson(boot).boot as Record<string, any>;
      expect(provenance.provenance).toMatchObject({ source: 'SIMULATION', matrixId: 'tiny', rowId: r.row.id, scenario: `tiny/${r.row.id}`, seed: String(r.row.scenario.seed), vehicleType: 'ugv' });
      expect(provenance.models).toEqual(expect.arrayContaining([{ id: WORLD_MODEL.id, version: WORLD_MODEL.version }, { id: 'sim-perception', version: '1' }]));
    }

    const summary = await summarizeRows(results, reader, 'tiny');
    expect(summary).toMatchObject({ rows: 4, lost: 0, provenanceOk: 4, ok: true });
    expect(summary.storedAtHub).toBe(summary.records);
    expect(summary.verified).toBe(summary.records);

    // go/no-go came from the agent's criteria: the clear, clean row stays go; the fog rows turn no-go
    const clean = summary.perRow.find((r) => r.levels.weather === 'clear' && r.levels.occlusion === 'none')!;
    expect(clean.noGo).toBe(0);
    const foggy = summary.perRow.filter((r) => r.levels.weather === 'fog');
    expect(foggy.every((r) => r.noGo > 0 && r.takeovers > 0)).toBe(true);

    // every takeover the agent requested was accepted by the operator model, under the same handover id
    const records = await storedRecords(hub, foggy[0].deviceId);
    const handovers = records.filter((r) => r.handover).map((r) => recordToJson(r).handover as Record<string, any>);
    const requested = handovers.filter((h) => h.phase === 'REQUESTED' && h.fromAuthority === 'AUTONOMY').map((h) => h.handoverId);
    const accepted = handovers.filter((h) => h.phase === 'ACCEPTED' && h.operatorId === 'sim-operator' && h.toAuthority === 'HUMAN').map((h) => h.handoverId);
    expect(requested.length).toBeGreaterThan(0);
    expect(accepted).toEqual(requested.slice(0, accepted.length));
    expect(accepted.length).toBeGreaterThan(0);
    const decisions = records.filter((r) => r.decision).map((r) => recordToJson(r).decision as Record<string, any>);
    expect(decisions.some((d) => d.verdict === 'NO_GO' && d.riskLevel === 'medium' && d.criteria.some((c: any) => !c.pass))).toBe(true);
  });
});
