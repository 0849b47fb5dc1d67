// Table shapes of the hub store as Kysely sees them; the same on SQLite and PostgreSQL.
// Column names are snake_case SQL; the store maps them to the camelCase types of store.ts.
import type { Generated } from 'kysely';

export interface HubTables {
  devices: { device_id: string; label: string; added_ms: number; revoked_ms: number | null };
  device_keys: { key_id: string; device_id: string; public_key: Uint8Array; added_ms: number; revoked_ms: number | null };
  device_state: {
    device_id: string;
    contiguous_seq: number;
    contiguous_hash: Uint8Array;
    head_seq: number;
    last_seen_ms: number;
    clock_offset_ms: number;
    records_stored: number;
    segments_stored: number;
  };
  segments: {
    device_id: string;
    first_seq: number;
    last_seq: number;
    key_id: string;
    first_prev_hash: Uint8Array;
    last_hash: Uint8Array;
    record_count: number;
    raw: Uint8Array;
    received_ms: number;
  };
  records: { device_id: string; seq: number; kind: string; time_ms: number; segment_first_seq: number };
  gaps: {
    device_id: string;
    first_seq: number;
    last_seq: number;
    reason: number;
    first_prev_hash: Uint8Array;
    last_hash: Uint8Array;
    record_seq: number;
  };
  rejections: {
    id: Generated<number>;
    received_ms: number;
    topic: string;
    device_id: string;
    code: string;
    message: string;
    first_seq: number | null;
    last_seq: number | null;
    payload_bytes: number;
  };
  integrity_events: {
    id: Generated<number>;
    at_ms: number;
    device_id: string;
    kind: string;
    hub_seq: number;
    device_seq: number;
    first_seq: number | null;
    last_seq: number | null;
    detail: string;
  };
  /** Per taxonomy and device: how far the analyst has read, and the fold state it carries to the next record. */
  analytics_cursor: {
    taxonomy: string;
    device_id: string;
    seq: number;
    source: string;
    cell: string | null;
    pending_cell: string | null;
    pending_source: string | null;
    pending_time_ms: number | null;
    /** "id@version" of the first model the device's latest Boot named ('' when none). */
    model: string;
  };
  /** Additive coverage figures per taxonomy, device, hour, cell and source (hub/analytics/coverage.ts CellStats). */
  analytics_cells: {
    taxonomy: string;
    device_id: string;
    bucket_ms: number;
    cell: string;
    source: string;
    samples: number;
    exposure_ms: number;
    go: number;
    no_go: number;
    handovers: number;
  };
  /** Additive fixed-bin counts per taxonomy, device, hour, source and feature (hub/analytics/histogram.ts); bin -1: missing. */
  analytics_histograms: {
    taxonomy: string;
    device_id: string;
    bucket_ms: number;
    source: string;
    feature: string;
    /** The feature's edges, JSON: counts under other edges never add up. */
    edges: string;
    bin: number;
    count: number;
  };
  /** Each drift band change the hub's drift watcher saw (hub/analytics/drift-watch.ts); scope "fleet" or a device id. */
  drift_events: {
    id: Generated<number>;
    taxonomy: string;
    scope: string;
    feature: string;
    from_band: string;
    to_band: string;
    psi: number;
    js: number;
    baseline: string;
    time_ms: number;
  };
  /** Every Handover record, with the cell the device was in and its source (the handover log). */
  analytics_handovers: {
    taxonomy: string;
    device_id: string;
    seq: number;
    time_ms: number;
    handover_id: string;
    phase: string;
    from_mode: string;
    to_mode: string;
    from_authority: string;
    to_authority: string;
    initiator: string;
    reason: string;
    requested_ms: number | null;
    accepted_ms: number | null;
    decision_seq: number | null;
    cell: string | null;
    source: string;
  };
  /** Every Decision record, its criteria as JSON, with the cell and source (the decision log). */
  analytics_decisions: {
    taxonomy: string;
    device_id: string;
    seq: number;
    time_ms: number;
    verdict: string;
    criteria: string;
    criteria_version: string;
    criteria_hash: string;
    model_id: string;
    model_version: string;
    confidence: number | null;
    trigger: string;
    reason: string;
    cell: string | null;
    source: string;
  };
  /** Additive perception-confidence bin counts and go/no-go counts per device, hour, cell, source and model. */
  analytics_performance: {
    taxonomy: string;
    device_id: string;
    bucket_ms: number;
    cell: string;
    source: string;
    model: string;
    conf_0: number;
    conf_1: number;
    conf_2: number;
    conf_3: number;
    conf_4: number;
    conf_5: number;
    conf_6: number;
    conf_7: number;
    conf_8: number;
    conf_9: number;
    conf_missing: number;
    go: number;
    no_go: number;
  };
  /** Per device, its latest Boot's provenance and the matrix row's planned cell (planned versus achieved). */
  analytics_runs: {
    taxonomy: string;
    device_id: string;
    boot_seq: number;
    boot_ms: number;
    matrix_id: string;
    row_id: string;
    scenario: string;
    mission_id: string;
    source: string;
    /** Provenance.planned_levels as JSON, keys sorted. */
    planned_levels: string;
    planned_cell: string | null;
  };
}
