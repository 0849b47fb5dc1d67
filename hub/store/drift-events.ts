// Drift band changes as hub events (hub/analytics/drift-watch.ts records them): insert unless another watcher
// already did, list them, and the last band per (scope, feature) that a restarted watcher starts from.
import type { Kysely, Selectable } from 'kysely';
import type { HubTables } from './tables.js';

export interface DriftEventRow {
  id: number;
  /** "fleet", or a device id. */
  scope: string;
  feature: string;
  fromBand: string;
  toBand: string;
  psi: number;
  js: number;
  /** The baseline selection in force (canonical text, e.g. source:simulation). */
  baseline: string;
  timeMs: number;
}

export type NewDriftEvent = Omit<DriftEventRow, 'id'>;

export interface DriftEventFilter {
  /** "fleet" or a device id. */
  scope?: string;
  sinceMs?: number;
  untilMs?: number;
  /** Newest first, at most this many (default 1000). */
  limit?: number;
}

const toRow = (r: Selectable<HubTables['drift_events']>): DriftEventRow => ({
  id: Number(r.id), scope: r.scope, feature: r.feature, fromBand: r.from_band, toBand: r.to_band,
  psi: Number(r.psi), js: Number(r.js), baseline: r.baseline, timeMs: Number(r.time_ms),
});

/**
 * Records each event whose (scope, feature) last ended in its fromBand (`noEventBand` when it has no event yet),
 * in one transaction; an event another watcher has already recorded is skipped. Returns those recorded.
 */
export async function recordDriftEvents(db: Kysely<HubTables>, taxonomy: string, events: NewDriftEvent[], noEventBand: string): Promise<NewDriftEvent[]> {
  if (events.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const recorded: NewDriftEvent[] = [];
    for (const e of events) {
      const last = await trx.selectFrom('drift_events').select('to_band')
        .where('taxonomy', '=', taxonomy).where('scope', '=', e.scope).where('feature', '=', e.feature)
        .orderBy('id', 'desc').limit(1).executeTakeFirst();
      if ((last?.to_band ?? noEventBand) !== e.fromBand) continue;
      await trx.insertInto('drift_events').values({
        taxonomy, scope: e.scope, feature: e.feature, from_band: e.fromBand, to_band: e.toBand, psi: e.psi, js: e.js, baseline: e.baseline, time_ms: e.timeMs,
      }).execute();
      recorded.push(e);
    }
    return recorded;
  });
}

/** The band each (scope, feature) was last moved to. */
export async function lastDriftBands(db: Kysely<HubTables>, taxonomy: string): Promise<{ scope: string; feature: string; band: string }[]> {
  const rows = await db.selectFrom('drift_events as d')
    .innerJoin(
      (eb) => eb.selectFrom('drift_events').select((x) => ['scope', 'feature', x.fn.max('id').as('last_id')])
        .where('taxonomy', '=', taxonomy).groupBy(['scope', 'feature']).as('m'),
      (join) => join.onRef('m.last_id', '=', 'd.id'),
    )
    .select(['d.scope', 'd.feature', 'd.to_band']).orderBy('d.scope').orderBy('d.feature').execute();
  return rows.map((r) => ({ scope: r.scope, feature: r.feature, band: r.to_band }));
}

/** Events of a taxonomy, newest first; the time filter applies to when the change was seen. */
export async function listDriftEvents(db: Kysely<HubTables>, taxonomy: string, filter: DriftEventFilter = {}): Promise<DriftEventRow[]> {
  let q = db.selectFrom('drift_events').selectAll().where('taxonomy', '=', taxonomy);
  if (filter.scope !== undefined) q = q.where('scope', '=', filter.scope);
  if (filter.sinceMs !== undefined) q = q.where('time_ms', '>=', filter.sinceMs);
  if (filter.untilMs !== undefined) q = q.where('time_ms', '<', filter.untilMs);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit ?? 1000).execute();
  return rows.map(toRow);
}
