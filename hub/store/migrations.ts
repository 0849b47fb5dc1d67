// Creates the hub's tables, with the few column types that differ between SQLite and PostgreSQL.
// Idempotent: safe on every start.
import { sql, type Kysely } from 'kysely';
import type { HubTables } from './tables.js';

export async function migrate(db: Kysely<HubTables>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  const big = 'bigint';
  await db.schema.createTable('devices').ifNotExists()
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('added_ms', big, (c) => c.notNull())
    .addColumn('revoked_ms', big)
    .execute();
  await db.schema.createTable('device_keys').ifNotExists()
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('public_key', sql.raw(bytes), (c) => c.notNull())
    .addColumn('added_ms', big, (c) => c.notNull())
    .addColumn('revoked_ms', big)
    .execute();
  await db.schema.createTable('device_state').ifNotExists()
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('contiguous_seq', big, (c) => c.notNull())
    .addColumn('contiguous_hash', sql.raw(bytes), (c) => c.notNull())
    .addColumn('head_seq', big, (c) => c.notNull())
    .addColumn('last_seen_ms', big, (c) => c.notNull())
    .addColumn('clock_offset_ms', big, (c) => c.notNull())
    .addColumn('records_stored', big, (c) => c.notNull())
    .addColumn('segments_stored', big, (c) => c.notNull())
    .execute();
  await db.schema.createTable('segments').ifNotExists()
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('first_seq', big, (c) => c.notNull())
    .addColumn('last_seq', big, (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('first_prev_hash', sql.raw(bytes), (c) => c.notNull())
    .addColumn('last_hash', sql.raw(bytes), (c) => c.notNull())
    .addColumn('record_count', 'integer', (c) => c.notNull())
    .addColumn('raw', sql.raw(bytes), (c) => c.notNull())
    .addColumn('received_ms', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('segments_pk', ['device_id', 'first_seq'])
    .execute();
  await db.schema.createIndex('segments_by_last').ifNotExists().on('segments').columns(['device_id', 'last_seq']).execute();
  await db.schema.createTable('records').ifNotExists()
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', big, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('time_ms', big, (c) => c.notNull())
    .addColumn('segment_first_seq', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('records_pk', ['device_id', 'seq'])
    // On SQLite, one B-tree keyed by (device, seq) instead of a rowid table plus an index.
    .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
    .execute();
  await db.schema.createTable('gaps').ifNotExists()
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('first_seq', big, (c) => c.notNull())
    .addColumn('last_seq', big, (c) => c.notNull())
    .addColumn('reason', 'integer', (c) => c.notNull())
    .addColumn('first_prev_hash', sql.raw(bytes), (c) => c.notNull())
    .addColumn('last_hash', sql.raw(bytes), (c) => c.notNull())
    .addColumn('record_seq', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('gaps_pk', ['device_id', 'first_seq'])
    .execute();
  await db.schema.createTable('rejections').ifNotExists()
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('received_ms', big, (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('first_seq', big)
    .addColumn('last_seq', big)
    .addColumn('payload_bytes', 'integer', (c) => c.notNull())
    .execute();
  // A device whose chain diverged from the hub's: a CONFLICT (two records for one seq were offered) or
  // a Fork record (the agent continued after the hub's head). Integrity events, never silent.
  await db.schema.createTable('integrity_events').ifNotExists()
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at_ms', big, (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('hub_seq', big, (c) => c.notNull())
    .addColumn('device_seq', big, (c) => c.notNull())
    .addColumn('first_seq', big)
    .addColumn('last_seq', big)
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  // The analyst's aggregates (hub/analytics/analyst.ts): derived, rebuilt by `fieldproof hub reindex`.
  await db.schema.createTable('analytics_cursor').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', big, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('cell', 'text')
    .addColumn('pending_cell', 'text')
    .addColumn('pending_source', 'text')
    .addColumn('pending_time_ms', big)
    .addColumn('model', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('analytics_cursor_pk', ['taxonomy', 'device_id'])
    .execute();
  await addCursorModel(db, dialect);
  await db.schema.createTable('analytics_cells').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('bucket_ms', big, (c) => c.notNull())
    .addColumn('cell', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('samples', big, (c) => c.notNull())
    .addColumn('exposure_ms', big, (c) => c.notNull())
    .addColumn('go', big, (c) => c.notNull())
    .addColumn('no_go', big, (c) => c.notNull())
    .addColumn('handovers', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_cells_pk', ['taxonomy', 'device_id', 'bucket_ms', 'cell', 'source'])
    .execute();
  await db.schema.createTable('analytics_histograms').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('bucket_ms', big, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('feature', 'text', (c) => c.notNull())
    .addColumn('edges', 'text', (c) => c.notNull())
    .addColumn('bin', 'integer', (c) => c.notNull())
    .addColumn('count', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_histograms_pk', ['taxonomy', 'device_id', 'bucket_ms', 'source', 'feature', 'edges', 'bin'])
    .execute();
  // Drift band changes (hub/analytics/drift-watch.ts): a log of what the hub saw, kept across reindexes.
  await db.schema.createTable('drift_events').ifNotExists()
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('feature', 'text', (c) => c.notNull())
    .addColumn('from_band', 'text', (c) => c.notNull())
    .addColumn('to_band', 'text', (c) => c.notNull())
    .addColumn('psi', sql.raw(dialect === 'postgres' ? 'double precision' : 'real'), (c) => c.notNull())
    .addColumn('js', sql.raw(dialect === 'postgres' ? 'double precision' : 'real'), (c) => c.notNull())
    .addColumn('baseline', 'text', (c) => c.notNull())
    .addColumn('time_ms', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drift_events_by_scope').ifNotExists().on('drift_events').columns(['taxonomy', 'scope', 'feature', 'id']).execute();
  await db.schema.createTable('analytics_handovers').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', big, (c) => c.notNull())
    .addColumn('time_ms', big, (c) => c.notNull())
    .addColumn('handover_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('from_mode', 'text', (c) => c.notNull())
    .addColumn('to_mode', 'text', (c) => c.notNull())
    .addColumn('from_authority', 'text', (c) => c.notNull())
    .addColumn('to_authority', 'text', (c) => c.notNull())
    .addColumn('initiator', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_ms', big)
    .addColumn('accepted_ms', big)
    .addColumn('decision_seq', big)
    .addColumn('cell', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_handovers_pk', ['taxonomy', 'device_id', 'seq'])
    .execute();
  await db.schema.createTable('analytics_decisions').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', big, (c) => c.notNull())
    .addColumn('time_ms', big, (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('criteria_version', 'text', (c) => c.notNull())
    .addColumn('criteria_hash', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('confidence', sql.raw(dialect === 'postgres' ? 'double precision' : 'real'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('cell', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_decisions_pk', ['taxonomy', 'device_id', 'seq'])
    .execute();
  const counts = ['conf_0', 'conf_1', 'conf_2', 'conf_3', 'conf_4', 'conf_5', 'conf_6', 'conf_7', 'conf_8', 'conf_9', 'conf_missing', 'go', 'no_go'];
  await counts.reduce((t, k) => t.addColumn(k, big, (c) => c.notNull()), db.schema.createTable('analytics_performance').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('bucket_ms', big, (c) => c.notNull())
    .addColumn('cell', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull()))
    .addPrimaryKeyConstraint('analytics_performance_pk', ['taxonomy', 'device_id', 'bucket_ms', 'cell', 'source', 'model'])
    .execute();
  await db.schema.createTable('analytics_runs').ifNotExists()
    .addColumn('taxonomy', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('boot_seq', big, (c) => c.notNull())
    .addColumn('boot_ms', big, (c) => c.notNull())
    .addColumn('matrix_id', 'text', (c) => c.notNull())
    .addColumn('row_id', 'text', (c) => c.notNull())
    .addColumn('scenario', 'text', (c) => c.notNull())
    .addColumn('mission_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('planned_levels', 'text', (c) => c.notNull())
    .addColumn('planned_cell', 'text')
    .addPrimaryKeyConstraint('analytics_runs_pk', ['taxonomy', 'device_id'])
    .execute();
  await db.schema.createIndex('analytics_runs_by_matrix').ifNotExists().on('analytics_runs').columns(['taxonomy', 'matrix_id']).execute();
}

/**
 * The cursor's model column (Step 6), on a store made before it: cursors there get '' until their device's
 * next Boot, and records analysed before have no performance or run rows: `fieldproof hub reindex` fills them.
 */
async function addCursorModel(db: Kysely<HubTables>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table analytics_cursor add column if not exists model text not null default ''`.execute(db);
    return;
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info('analytics_cursor')`.execute(db);
  if (!rows.some((r) => r.name === 'model')) await sql`alter table analytics_cursor add column model text not null default ''`.execute(db);
}
