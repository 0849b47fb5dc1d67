// The read-only JSON API: one route per report, each parsing its query with hub/http/query.ts and calling
// the report function `fieldproof report` prints from. Nothing here writes to the store.
import type { FastifyInstance } from 'fastify';
import type { Taxonomy } from '../../config/odd-config.js';
import type { DeviceKey } from '../../proto/index.js';
import { DriftSpecError } from '../../config/odd/drift-spec.js';
import { coverageReport } from '../analytics/coverage-report.js';
import { parseBucket, SOURCES, type Source } from '../analytics/index.js';
import { matrixReport } from '../analytics/matrix-report.js';
import { performanceReport } from '../analytics/performance-report.js';
import {
  coverageGrid, decisionLog, deviceReport, driftReportFor, driftSeriesFor, GridError, handoverDetail, handoverLog, recordsOf, summaryReport,
  MAX_RECORDS, type Presence,
} from '../reports/index.js';
import type { HubStore } from '../store/index.js';
import {
  BadRequest, coverageQuery, decisionsQuery, devicesQuery, driftEventsQuery, driftQuery, driftSeriesQuery, gridQuery, handoverPath, handoversQuery,
  matrixPath, matrixQuery, parseQuery, performanceQuery, recordsQuery, summaryQuery,
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

/** A drift selection or grid that does not parse is the caller's mistake: a 400 naming the parameter. */
async function badInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DriftSpecError || err instanceof GridError) throw new BadRequest(err.message);
    throw err;
  }
}

function sourcesParam(v: string | undefined): Source[] | undefined {
  if (v === undefined || v === 'all') return undefined;
  const list = v.split(',');
  for (const s of list) if (!(SOURCES as readonly string[]).includes(s)) throw new BadRequest(`source: expected all or one of ${SOURCES.join(', ')}, got "${s}"`);
  return list as Source[];
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
    return coverageReport(store, taxonomy, { ...filter(q), limit: q.limit, matrixId: q.matrix });
  });

  app.get('/api/coverage/grid', async (req) => {
    const q = parseQuery(gridQuery, req.query);
    return badInput(async () => coverageGrid(await coverageReport(store, taxonomy, { ...filter(q), limit: 0, matrixId: q.matrix }), taxonomy, q.a, q.b, (q.source ?? 'all') as Source | 'all'));
  });

  app.get('/api/drift', async (req) => {
    const q = parseQuery(driftQuery, req.query);
    return badInput(() => driftReportFor(store, taxonomy, { ...filter(q), baseline: q.baseline, current: q.current }));
  });

  app.get('/api/drift/series', async (req) => {
    const q = parseQuery(driftSeriesQuery, req.query);
    return badInput(() => driftSeriesFor(store, taxonomy, {
      ...filter(q), baseline: q.baseline, current: q.current, features: q.feature?.split(','), bucketMs: q.bucket === undefined ? undefined : parseBucket(q.bucket),
    }));
  });

  app.get('/api/drift/events', async (req) => {
    const q = parseQuery(driftEventsQuery, req.query);
    return store.analytics().driftEvents(taxonomy.fingerprint, { scope: q.device, sinceMs: q.since, untilMs: q.until, limit: q.limit ?? 100 });
  });

  app.get('/api/performance', async (req) => {
    const q = parseQuery(performanceQuery, req.query);
    return performanceReport(store, taxonomy, { ...filter(q), matrixId: q.matrix, sources: sourcesParam(q.source) });
  });

  app.get('/api/matrix/:id', async (req) => {
    const { id } = parseQuery(matrixPath, req.params);
    const q = parseQuery(matrixQuery, req.query);
    const threshold = q.threshold === undefined ? undefined : Number(q.threshold);
    if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) throw new BadRequest(`threshold: expected a share from 0 to 1, got "${q.threshold}"`);
    const r = await matrixReport(store, taxonomy, id, { threshold, sinceMs: q.since, untilMs: q.until });
    if (r.rows.length === 0) throw new NotFound(`no device's Boot named matrix "${id}"`);
    return r;
  });

  app.get('/api/handovers', async (req) => {
    const q = parseQuery(handoversQuery, req.query);
    return handoverLog(store, taxonomy, { ...filter(q), phase: q.phase, initiator: q.initiator, to: q.to, reason: q.reason, cell: q.cell, limit: q.limit ?? 100, offset: q.offset });
  });

  app.get('/api/handovers/:device/:seq', async (req) => {
    const p = parseQuery(handoverPath, req.params);
    const detail = await handoverDetail(store, taxonomy, p.device, p.seq);
    if (!detail) throw new NotFound(`no handover at ${p.device} seq ${p.seq}`);
    return detail;
  });

  app.get('/api/decisions', async (req) => {
    const q = parseQuery(decisionsQuery, req.query);
    return decisionLog(store, taxonomy, { ...filter(q), verdict: q.verdict, cell: q.cell, limit: q.limit ?? 100, offset: q.offset });
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
