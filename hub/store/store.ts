// The hub store contract: device registry, idempotent segment storage with chain bookkeeping,
// rejections and per-device state. Implemented once over Kysely for SQLite and PostgreSQL.
import type { AnalyticsStore } from './analytics-store.js';

export interface DeviceKeyRow {
  keyId: string;
  deviceId: string;
  publicKey: Uint8Array;
  addedMs: number;
  revokedMs: number | null;
}

export interface DeviceRow {
  deviceId: string;
  label: string;
  addedMs: number;
  revokedMs: number | null;
  keys: DeviceKeyRow[];
}

/** What the hub knows of one device's chain. */
export interface DeviceState {
  deviceId: string;
  /** Every seq up to this is stored or explained by a Gap record; what the ack carries. */
  contiguousSeq: number;
  contiguousHash: Uint8Array;
  /** Highest seq stored, possibly beyond a hole. */
  headSeq: number;
  lastSeenMs: number;
  /** Hub receive time minus the device's capture time of its newest record (transport delay included). */
  clockOffsetMs: number;
  recordsStored: number;
  segmentsStored: number;
}

export interface RecordToStore {
  seq: number;
  kind: string;
  timeMs: number;
}

export interface GapToStore {
  firstSeq: number;
  lastSeq: number;
  reason: number;
  firstPrevHash: Uint8Array;
  lastHash: Uint8Array;
  recordSeq: number;
}

/** A verified segment, ready to commit. */
export interface SegmentToStore {
  deviceId: string;
  firstSeq: number;
  lastSeq: number;
  keyId: string;
  firstPrevHash: Uint8Array;
  lastHash: Uint8Array;
  raw: Uint8Array;
  receivedMs: number;
  records: RecordToStore[];
  gaps: GapToStore[];
  rotatedKeys: { keyId: string; publicKey: Uint8Array }[];
  /** Fork records in the segment: the device continued after the hub's head (an integrity event). */
  forks?: ForkToStore[];
}

export interface ForkToStore {
  recordSeq: number;
  reason: 'HUB_AHEAD' | 'HASH_MISMATCH';
  localHeadSeq: number;
  hubSeq: number;
  renumberedFirst: number;
  renumberedLast: number;
  newFirstSeq: number;
}

/** Stored segments touching or adjoining a new one: what the link and overlap checks need. */
export interface Neighbors {
  /** The stored segment ending at firstSeq - 1. */
  before?: { lastSeq: number; lastHash: Uint8Array };
  /** The stored segment starting at lastSeq + 1. */
  after?: { firstSeq: number; firstPrevHash: Uint8Array };
  /** Stored segments overlapping [firstSeq, lastSeq]. */
  overlapping: { firstSeq: number; lastSeq: number; lastHash: Uint8Array }[];
}

export type CommitVerdict =
  | { ok: true; duplicate: boolean }
  | { ok: false; code: string; message: string; seq: number };

export interface CommitResult {
  verdict: CommitVerdict;
  state?: DeviceState;
}

export interface RejectionRow {
  receivedMs: number;
  topic: string;
  deviceId: string;
  code: string;
  message: string;
  firstSeq: number | null;
  lastSeq: number | null;
  payloadBytes: number;
}

/**
 * A device whose chain diverged from the hub's. `conflict`: a segment offered other content for seqs
 * the hub holds (device_seq: its last seq). `fork`: the device's signed Fork record arrived, continuing
 * after the hub's head (device_seq: the device's head before the fork).
 */
export interface IntegrityEvent {
  atMs: number;
  deviceId: string;
  kind: 'conflict' | 'fork';
  /** The hub's contiguous seq for the device when it happened (for a fork: the seq it continued after). */
  hubSeq: number;
  deviceSeq: number;
  firstSeq: number | null;
  lastSeq: number | null;
  detail: string;
}

export interface SeqRange {
  first: number;
  last: number;
}

/** A range held above the contiguous point, with the hash of its last record (what a signed ack names). */
export interface HeldRange extends SeqRange {
  lastHash: Uint8Array;
}

export interface HubStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** The analyst's cursors and aggregates (hub/store/analytics-store.ts), in the same database. */
  analytics(): AnalyticsStore;
  migrate(): Promise<void>;
  close(): Promise<void>;

  addDeviceKey(deviceId: string, keyId: string, publicKey: Uint8Array, label?: string): Promise<{ newDevice: boolean; newKey: boolean }>;
  listDevices(): Promise<DeviceRow[]>;
  revokeDevice(deviceId: string): Promise<boolean>;
  /** Keys that may seal for this device: registered, not revoked, device not revoked. */
  trustedKeys(deviceId: string): Promise<DeviceKeyRow[]>;

  /**
   * Commits a verified segment in one transaction: looks up its neighbours, asks `decide` whether it
   * fits the chain, stores it idempotently and advances the device's contiguous seq.
   */
  commitSegment(segment: SegmentToStore, decide: (n: Neighbors) => CommitVerdict): Promise<CommitResult>;
  /** Several segments in one transaction (one fsync); each is decided and stored as by commitSegment. */
  commitSegments(segments: SegmentToStore[], decide: (s: SegmentToStore, n: Neighbors) => CommitVerdict): Promise<CommitResult[]>;
  deviceState(deviceId: string): Promise<DeviceState | undefined>;
  deviceStates(): Promise<DeviceState[]>;
  /** Ranges stored above `afterSeq` (out of order), merged, at most `limit`, each with its last record's hash. */
  storedBeyond(deviceId: string, afterSeq: number, limit: number): Promise<HeldRange[]>;
  /** The seq ranges held as segments and those named by Gap records, each in seq order. */
  coverage(deviceId: string): Promise<{ segments: SeqRange[]; gaps: SeqRange[] }>;

  recordRejection(rejection: RejectionRow): Promise<void>;
  recordIntegrityEvent(event: IntegrityEvent): Promise<void>;
  /** Newest first; every device unless one is named. */
  integrityEvents(limit: number, deviceId?: string): Promise<IntegrityEvent[]>;
  rejections(limit: number): Promise<RejectionRow[]>;

  countRecords(deviceId?: string): Promise<number>;
  /** Raw segments as received (and when, by the hub's clock), in seq order, for re-verification and export. */
  rawSegments(deviceId: string, fromSeq?: number): AsyncIterable<{ firstSeq: number; lastSeq: number; raw: Uint8Array; receivedMs: number }>;
}
