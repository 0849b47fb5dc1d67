// The Boot record appended on every agent start: software version, configuration hash, key id and
// provenance, so every later record can be traced to what produced it. Pure.
import { hostname } from 'node:os';
import { canonicalHash, type AgentConfig } from '../config/index.js';
import type { Body } from '../proto/index.js';

const PROVENANCE = { field: 1, simulation: 2, replay: 3 } as const;

/** The configuration hash leaves out broker credentials: a hash of a password is not for evidence files. */
export function configHash(config: AgentConfig): Uint8Array {
  const { username: _u, password: _p, ...mqtt } = config.mqtt;
  return canonicalHash({ ...config, mqtt });
}

export interface BootExtras {
  criteriaHash?: Uint8Array;
  models?: { id: string; version: string }[];
  scenario?: string;
  matrixId?: string;
  rowId?: string;
  seed?: number;
  /** A matrix row's planned level per dimension (Provenance.planned_levels). */
  plannedLevels?: Record<string, string>;
}

export function bootBody(config: AgentConfig, keyId: string, version: string, acked: { seq: number; hash: Uint8Array }, extras: BootExtras = {}): Body {
  return {
    boot: {
      ackedThrough: acked.seq,
      ackedHash: acked.seq > 0 ? acked.hash : new Uint8Array(0),
      agentVersion: version,
      configHash: configHash(config),
      criteriaHash: extras.criteriaHash ?? new Uint8Array(0),
      models: extras.models ?? [],
      keyId,
      hostname: hostname(),
      provenance: {
        source: PROVENANCE[config.provenance.source],
        missionId: config.provenance.mission_id,
        vehicleType: config.provenance.vehicle_type,
        scenario: extras.scenario ?? '',
        matrixId: extras.matrixId ?? '',
        rowId: extras.rowId ?? '',
        seed: extras.seed ?? 0,
        plannedLevels: extras.plannedLevels ?? {},
      },
    },
  };
}
