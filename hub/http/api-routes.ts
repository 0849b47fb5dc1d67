// The read-only JSON API: one route per report, each parsing its query with hub/http/query.ts and calling
// the report function `fieldproof report` prints from. Nothing here writes to the store.
import type { FastifyInstance } from 'fastify';
import type { Taxonomy } from '../../config/odd-config.js';
import type { DeviceKey } from '../../proto/index.js';
import { coverageReport } from '../analytics/coverage-report.js';
import { driftReport } from '../analytics/drift-report.js';
import { SOURCES, type Source } from '../analytics/index.js';
import {
  coverageGrid, decisionLog, deviceReport, GridError, handoverDetail, handoverLog, recordsOf, summaryReport, MAX_RECORDS, type Presence,
} from '../reports/index.js';
import type { HubStore } from '../store/index.js';
import {
  BadRequest, coverageQuery, decisionsQuery, devicesQuery, driftQuery, gridQuery, handoverPath, handoversQuery, parseQuery, recordsQuery, summaryQuery,
} from './query.js';

export interface ApiContext {
  store: HubStore;
  taxonomy: Taxonomy;
  /** Online/offline per device from the state topic; absent when no hub runs in this process. */
  presence?: ReadonlyMap<string, Presence>;
  /** Signs the checkpoints the device rows show. */
  hubKey?: DeviceKey;
  now?: () => number;
}

class NotFound extends Error {
  readonly statusCode = 404;
}

export function registerApi(app: FastifyInstance, c: ApiContext): void {
  const { store, taxonomy } = c;
  const filter = (q: { device?: string; since?: number; until?: number }) => ({ deviceId: q.device, sinceMs: q.since, untilMs: q.until });

  app.get('/api/summary', async (req) => {
    parseQuery(summaryQuery, req.query);
    return summaryReport(store, taxonomy, { presence: c.presence, hubKey: c.hubKey, now: c.now });
  });

  app.get('/api/coverage', async (req) => {
    const q = parseQuery(coverageQuery, req.query);
    return coverageReport(store, taxonomy, { ...filter(q), limit: q.limit });
  });

  app.get('/api/coverage/grid', async (req) => {
    const q = parseQuery(gridQuery, req.query);
    try {
      return coverageGrid(await coverageReport(store, taxonomy, { ...filter(q), limit: 0 }), taxonomy, q.a, q.b, (q.source ?? 'all') as Source | 'all');
    } catch (err) {
      if (err instanceof GridError) throw new BadRequest(err.message);
      throw err;
    }
  });

  app.get('/api/drift', async (req) => {
    const q = parseQuery(driftQuery, req.query);
    const side = (name: 'baseline' | 'current', v: string | undefined, fallback: Source): Source => {
      const source = (v ?? `source:${fallback}`).replace(/^source:/, '');
      if (!(SOURCES as readonly string[]).includes(source)) throw new BadRequest(`${name}: expected source:<${SOURCES.join('|')}>, got "${v}"`);
      return source as Source;
    };
    const baseline = side('baseline', q.baseline, 'simulation');
    const current = side('current', q.current, 'field');
    const inWindow = (b: number) => (q.since === undefined || b >= q.since) && (q.until === undefined || b < q.until);
    const r = driftReport(taxonomy, await store.analytics().histogramRows(taxonomy.fingerprint), {
      baseline: (x) => x.source === baseline, current: (x) => x.source === current && inWindow(x.bucketMs),
    });
    if (q.device !== undefined) r.devices = r.devices.filter((d) => d.device === q.device);
    return { ...r, baseline: `source:${baseline}`, current: `source:${current}` };
  });

  app.get('/api/handovers', async (req) => {
    const q = parseQuery(handoversQuery, req.query);
    return handoverLog(store, taxonomy, { ...filter(q), phase: q.phase, initiator: q.initiator, to: q.to, reason: q.reason, limit: q.limit ?? 100, offset: q.offset });
  });

  app.get('/api/handovers/:device/:seq', async (req) => {
    const p = parseQuery(handoverPath, req.params);
    const detail = await handoverDetail(store, taxonomy, p.device, p.seq);
    if (!detail) throw new NotFound(`no handover at ${p.device} seq ${p.seq}`);
    return detail;
  });

  app.get('/api/decisions', async (req) => {
    const q = parseQuery(decisionsQuery, req.query);
    return decisionLog(store, taxonomy, { ...filter(q), verdict: q.verdict, limit: q.limit ?? 100, offset: q.offset });
  });

  app.get('/api/devices', async (req) => {
    const q = parseQuery(devicesQuery, req.query);
    return deviceReport(store, { deviceId: q.device, presence: c.presence, hubKey: c.hubKey, now: c.now });
  });

  app.get('/api/records', async (req) => {
    const q = parseQuery(recordsQuery, req.query);
    const to = q.to ?? q.from + (q.limit ?? 100) - 1;
    if (to < q.from) throw new BadRequest(`to: expected at least from (${q.from}), got ${to}`);
    return recordsOf(store, { deviceId: q.device, fromSeq: q.from, toSeq: to, limit: Math.min(q.limit ?? 100, MAX_RECORDS), verify: q.verify });
  });
}
