// The hub's read-only HTTP API over a real SQLite store the analyst filled: each route returns what the
// report functions compute, hand-checkable figures hold, bad parameters are 400s naming the parameter.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { Analyst } from '../../hub/analytics/analyst.js';
import { coverageReport } from '../../hub/analytics/coverage-report.js';
import { startHttp, type HttpServer } from '../../hub/http/index.js';
import type { HubStore } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { checkpointNote, verify } from '../../proto/index.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { ingest, randomHistory, segmentsOf, type History } from '../analytics/analyst-world.js';

const tempDir = useTempDirs('fieldproof-http-');
const taxonomy = loadOddFile();
let store: HubStore;
let http: HttpServer;
const histories = new Map<string, History>();
const evictedOf = new Map<string, Set<number>>();

beforeAll(async () => {
  const dir = tempDir();
  store = await openSqliteStore(join(dir, 'hub.db'));
  for (const [deviceId, seed, sources] of [['ugv-1', 21, [1, 1]], ['sim-1', 22, [2, 2]]] as const) {
    const key = await testKey(seed);
    await store.addDeviceKey(deviceId, key.keyId, key.publicKey);
    const { history, evicted } = randomHistory(deviceId, seed, 500, [...sources]);
    histories.set(deviceId, history);
    evictedOf.set(deviceId, evicted);
    await ingest(store, deviceId, segmentsOf(history, key, seed, evicted));
  }
  await new Analyst({ store, taxonomy }).catchUp();
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>fieldproof</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  const hubKey = await testKey(99);
  http = await startHttp({ host: '127.0.0.1', port: 0, store, taxonomy, webDir: web, hubKey, presence: new Map([['ugv-1', { online: true, sinceMs: 1 }]]) });
});

afterAll(async () => {
  await http?.close();
  await store?.close();
});

async function get(path: string): Promise<{ status: number; body: any; type: string }> {
  const res = await fetch(new URL(path, http.url));
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.text(), type };
}

/** Decoded bodies of a device's stored records (the evicted range is not stored). */
function stored(deviceId: string): { seq: number; body: Record<string, any> }[] {
  return histories.get(deviceId)!.records.filter((r) => !evictedOf.get(deviceId)!.has(r.seq)) as never;
}

describe('hub HTTP API', () => {
  it('/api/coverage is the coverage report, for the fleet and per device', async () => {
    const all = await get('/api/coverage');
    expect(all.status).toBe(200);
    expect(all.body).toEqual(JSON.parse(JSON.stringify(await coverageReport(store, taxonomy, {}))));
    const one = await get('/api/coverage?device=ugv-1&limit=3');
    expect(one.body).toEqual(JSON.parse(JSON.stringify(await coverageReport(store, taxonomy, { deviceId: 'ugv-1', limit: 3 }))));
    expect(one.body.totals.simulation.samples).toBe(0);
    expect(one.body.totals.field.samples).toBe(stored('ugv-1').filter((r) => r.body.conditions).length);
  });

  it('/api/coverage/grid sums every sample once, split by the two dimensions', async () => {
    const g = await get('/api/coverage/grid?a=weather&b=lighting&source=field');
    expect(g.status).toBe(200);
    const total = g.body.samples.flat().reduce((a: number, b: number) => a + b, 0);
    expect(total).toBe(stored('ugv-1').filter((r) => r.body.conditions).length);
    expect(g.body.a_levels.at(-1)).toBe('unknown');
    const cov = await get('/api/coverage');
    const i = g.body.a_levels.indexOf('clear');
    const j = g.body.b_levels.indexOf('day');
    const expected = cov.body.cells.filter((c: any) => c.cell.weather === 'clear' && c.cell.lighting === 'day')
      .reduce((s: number, c: any) => s + (c.by_source.field?.samples ?? 0), 0);
    expect(g.body.samples[i][j]).toBe(expected);
    // a matrix no device ran: nothing counted
    const none = await get('/api/coverage/grid?a=weather&b=lighting&matrix=rain-sweep');
    expect(none.body.samples.flat().reduce((a: number, b: number) => a + b, 0)).toBe(0);
  });

  it('/api/handovers filters, pages and carries the request-to-acceptance latency', async () => {
    const accepted = stored('ugv-1').filter((r) => r.body.handover?.phase === 2);
    const r = await get('/api/handovers?device=ugv-1&phase=accepted&limit=2');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(accepted.length);
    expect(r.body.rows).toHaveLength(Math.min(2, accepted.length));
    // the history accepts 300 ms after each request
    for (const h of r.body.rows) expect(h.latencyMs).toBe(300);
    const page2 = await get('/api/handovers?device=ugv-1&phase=accepted&limit=2&offset=2');
    expect(page2.body.rows[0]?.seq).toBe(accepted[2]?.seq);
  });

  it('/api/handovers/:device/:seq opens a handover with the conditions either side', async () => {
    const h = stored('ugv-1').find((r) => r.body.handover?.phase === 2)!;
    const d = await get(`/api/handovers/ugv-1/${h.seq}`);
    expect(d.status).toBe(200);
    expect(d.body.handover.seq).toBe(h.seq);
    const before = stored('ugv-1').filter((r) => r.body.conditions && r.seq < h.seq).at(-1);
    expect(d.body.conditions_before?.seq ?? null).toBe(before?.seq ?? null);
    expect(d.body.window.first_seq).toBeLessThanOrEqual(h.seq);
    expect((await get('/api/handovers/ugv-1/999999')).status).toBe(404);
  });

  it('/api/decisions counts go and no-go as the records hold them', async () => {
    const decisions = stored('sim-1').filter((r) => r.body.decision);
    const r = await get('/api/decisions?device=sim-1&limit=1');
    expect(r.body.decisions).toBe(decisions.length);
    expect(r.body.no_go).toBe(decisions.filter((x) => x.body.decision!.verdict === 2).length);
    expect(r.body.rows).toHaveLength(1);
    expect((await get('/api/decisions?device=sim-1&verdict=no_go')).body.total).toBe(r.body.no_go);
    // a cell's decisions and handovers, as the page's worst-cell links ask for them
    const all = (await get('/api/decisions?limit=1000')).body.rows;
    const cell = all.find((d: any) => d.cell)!.cell;
    const inCell = await get(`/api/decisions?cell=${encodeURIComponent(cell)}&limit=1000`);
    expect(inCell.body.total).toBe(all.filter((d: any) => d.cell === cell).length);
    expect(inCell.body.rows.every((d: any) => d.cell === cell)).toBe(true);
    const handovers = (await get('/api/handovers?limit=1000')).body.rows;
    const hcell = handovers.find((h: any) => h.cell)!.cell;
    expect((await get(`/api/handovers?cell=${encodeURIComponent(hcell)}&limit=1000`)).body.total).toBe(handovers.filter((h: any) => h.cell === hcell).length);
  });

  it('/api/devices shows presence and a checkpoint signed by the hub key', async () => {
    const r = await get('/api/devices');
    expect(r.body.map((d: any) => d.device).sort()).toEqual(['sim-1', 'ugv-1']);
    const ugv = r.body.find((d: any) => d.device === 'ugv-1');
    expect(ugv.online).toBe(true);
    expect(r.body.find((d: any) => d.device === 'sim-1').online).toBe(false);
    const hubKey = await testKey(99);
    const cp = ugv.checkpoint;
    const note = checkpointNote({ hubKeyId: cp.hub_key_id, deviceId: 'ugv-1', seq: cp.seq, hash: Buffer.from(cp.hash, 'hex'), hubTimeUnixNs: BigInt(cp.hub_time_ms) * 1_000_000n });
    expect(Buffer.from(note).toString('utf8')).toBe(cp.note);
    expect(await verify(Buffer.from(cp.signature, 'hex'), note, hubKey.publicKey)).toBe(true);
  });

  it('/api/records decodes records and re-verifies their seals on request', async () => {
    const r = await get('/api/records?device=ugv-1&from=1&to=30&verify=1');
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: any) => x.seq)).toEqual(stored('ugv-1').filter((x) => x.seq <= 30).map((x) => x.seq));
    for (const x of r.body.rows) {
      expect(x.seal).toBe('verified');
      expect(x.kind).toBe(Object.keys(stored('ugv-1').find((s) => s.seq === x.seq)!.body)[0]);
    }
    const paged = await get('/api/records?device=ugv-1&from=1&to=30&limit=5');
    expect(paged.body.rows).toHaveLength(5);
    expect(paged.body.next_seq).toBe(r.body.rows[5].seq);
    expect(paged.body.rows[0].seal).toBe('not checked');
  });

  it('/api/summary ties devices, coverage, drift and days together', async () => {
    const r = await get('/api/summary');
    expect(r.status).toBe(200);
    expect(r.body.devices.total).toBe(2);
    expect(r.body.devices.online).toBe(1);
    expect(r.body.coverage.totals.all.samples).toBe((await get('/api/coverage')).body.totals.all.samples);
    const accepted = [...histories.keys()].flatMap((d) => stored(d)).filter((x) => x.body.handover?.phase === 2).length;
    expect(r.body.days.reduce((s: number, d: any) => s + d.handovers, 0)).toBe(accepted);
    expect(r.body.drift.features.map((f: any) => f.feature)).toEqual(taxonomy.features.map((f) => f.name));
  });

  it('/api/drift compares the chosen selections; /api/drift/series gives a point per day with both histograms', async () => {
    const r = await get('/api/drift?baseline=source:simulation&current=source:field');
    expect(r.status).toBe(200);
    expect(r.body.baseline.spec).toBe('source:simulation');
    const lux = r.body.fleet.find((f: any) => f.feature === 'lux');
    const samples = (d: string) => stored(d).filter((x) => x.body.conditions && x.body.conditions.lighting?.lux !== undefined).length;
    expect(lux.baseline_n).toBe(samples('sim-1'));
    expect(lux.current_n).toBe(samples('ugv-1'));
    const series = await get('/api/drift/series?feature=lux&bucket=1h');
    expect(series.status).toBe(200);
    const f = series.body.features[0];
    expect(f.feature).toBe('lux');
    expect(f.baseline.n).toBe(lux.baseline_n);
    expect(f.fleet.reduce((n: number, p: any) => n + p.n, 0)).toBe(lux.current_n);
    expect((await get('/api/drift/events')).body).toEqual([]);
  });

  it('/api/performance judges cells against the whole; /api/matrix/:id is 404 for a matrix no device ran', async () => {
    const r = await get('/api/performance');
    expect(r.status).toBe(200);
    const decisions = [...histories.keys()].flatMap((d) => stored(d)).filter((x) => x.body.decision).length;
    expect(r.body.whole.decisions).toBe(decisions);
    expect(r.body.cells.reduce((n: number, c: any) => n + c.decisions, 0)).toBe(decisions);
    expect((await get('/api/performance?source=field')).body.whole.decisions).toBe(stored('ugv-1').filter((x) => x.body.decision).length);
    const m = await get('/api/matrix/rain-sweep');
    expect(m.status).toBe(404);
    expect(m.body.error).toBe('no device\'s Boot named matrix "rain-sweep"');
  });

  it('answers bad parameters with a 400 that names the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['/api/coverage?since=yesterday', /^since: expected an ISO 8601 time .* got "yesterday"$/],
      ['/api/handovers?limit=0', /^limit: expected a whole number 1-1000, got "0"$/],
      ['/api/handovers?phase=sideways', /^phase: expected one of REQUESTED, ACCEPTED, REJECTED, TIMED_OUT, got "sideways"$/],
      ['/api/coverage?colour=red', /^unknown parameter colour$/],
      ['/api/coverage/grid?a=weather&b=weather', /^a and b: expected two different dimensions/],
      ['/api/coverage/grid?a=weather&b=mood', /^b: expected one of .*got "mood"$/],
      ['/api/coverage/grid?a=weather', /^b: required$/],
      ['/api/records?from=1', /^device: required$/],
      ['/api/records?device=ugv-1&from=10&to=2', /^to: expected at least from \(10\), got 2$/],
      ['/api/records?device=ugv-1&from=1&verify=maybe', /^verify: expected 1, 0, true or false$/],
      ['/api/drift?baseline=yesterday', /^baseline: .*yesterday/],
      ['/api/drift/series?bucket=90m', /^bucket: expected a whole number of hours or days/],
      ['/api/drift/series?feature=mood', /^feature: unknown feature "mood"/],
      ['/api/performance?source=moon', /^source: expected all or one of field, simulation, replay, unspecified, got "moon"$/],
      ['/api/matrix/rain-sweep?threshold=2', /^threshold: expected a share from 0 to 1, got "2"$/],
      ['/api/decisions?until=2026-13-45', /^until: expected an ISO 8601 time/],
    ];
    for (const [path, message] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body.error, path).toMatch(message);
    }
  });

  it('serves the built page and nothing else from disk; only reads', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect((await get('/assets/app.js')).type).toMatch(/^text\/javascript/);
    expect((await get('/../../etc/passwd')).status).toBe(404);
    const api404 = await get('/api/nope');
    expect(api404.status).toBe(404);
    expect(api404.body.error).toMatch(/no such API route/);
    const post = await fetch(new URL('/api/coverage', http.url), { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
  });
});
