// What a replay reads: a mission's verified records in seq order, whatever file they come from.
// Types and the error every mission source throws, with what was wrong and what to do.
import type { BodyKind, ChainReport, RecordMessage } from '../../proto/index.js';

/** One record of a mission: its exact encoded bytes and its decoded form. */
export interface MissionRecord {
  seq: number;
  bytes: Uint8Array;
  record: RecordMessage;
  kind: BodyKind | undefined;
  timeUnixNs: bigint;
}

export interface MissionVerification extends ChainReport {
  /** Which keys the seals were checked against, and where they came from. */
  trust: string;
}

export interface Mission {
  source: 'outbox' | 'hub-store';
  path: string;
  deviceId: string;
  verification: MissionVerification;
  /** An outbox only: records up to this seq were acknowledged by a hub and freed from the file. */
  ackedThrough?: number;
  /** The verified records in seq order, read a page at a time (memory does not grow with the mission). */
  records(): Iterable<MissionRecord>;
  close(): void;
}

export interface OpenMissionOptions {
  /** Which device, when the source is a hub store holding several. */
  device?: string;
  /** Keys to check the seals against; default: the key recorded in the outbox, or those registered at the hub. */
  trustedKeys?: Uint8Array[];
  /** Replay even when the chain does not verify (the caller must say so loudly). */
  allowUnverified?: boolean;
}

export type MissionSourceCode = 'NOT_FOUND' | 'UNSUPPORTED' | 'NO_DEVICE' | 'UNVERIFIED' | 'CHANGED';

export class MissionSourceError extends Error {
  constructor(readonly code: MissionSourceCode, message: string) {
    super(message);
    this.name = 'MissionSourceError';
  }
}

