// Record priorities: critical evidence is committed with full durability, sealed at once,
// sent first and never evicted. Pure.
import type { Body } from '../../proto/index.js';

export const Priority = { BULK: 0, NORMAL: 1, CRITICAL: 2 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

const NO_GO = 2; // fieldproof.v1.Decision.Verdict.NO_GO

/** The default priority of a body: handover, no-go decision, gap, key rotation and fork are critical. */
export function priorityOf(body: Body): Priority {
  if ('handover' in body || 'gap' in body || 'keyRotation' in body || 'fork' in body) return Priority.CRITICAL;
  if ('decision' in body) return body.decision.verdict === NO_GO ? Priority.CRITICAL : Priority.NORMAL;
  if ('conditions' in body || 'health' in body) return Priority.BULK;
  return Priority.NORMAL;
}

export function priorityName(p: number): string {
  return p >= Priority.CRITICAL ? 'critical' : p === Priority.NORMAL ? 'normal' : 'bulk';
}
