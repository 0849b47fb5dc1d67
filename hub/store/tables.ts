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
}
