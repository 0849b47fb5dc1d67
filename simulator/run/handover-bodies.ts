// Handover records the operator model produces: the acceptance of the agent's takeover request, and
// the hand-back to autonomy (request and acceptance) once conditions have recovered. Pure.
import { schema, type Body } from '../../proto/index.js';
import type { OperatorAction } from '../scenario/operator.js';

const { Authority, Initiator, Phase } = schema.Handover;

export const OPERATOR_ID = 'sim-operator';

/** Autopilot mode names for the autonomous and the manual mode (PX4's, for both vehicle kinds). */
export const MODES = { autonomy: 'AUTO.MISSION', human: 'POSCTL' } as const;

export function operatorBodies(action: OperatorAction, requestedUnixNs: bigint, nowUnixNs: bigint): Body[] {
  if (action.kind === 'accept') {
    return [{
      handover: {
        handoverId: action.handoverId, fromMode: MODES.autonomy, toMode: MODES.human,
        fromAuthority: Authority.AUTONOMY, toAuthority: Authority.HUMAN, initiator: Initiator.SYSTEM, phase: Phase.ACCEPTED,
        reason: action.reason, requestedUnixNs: requestedUnixNs as unknown as number, acceptedUnixNs: nowUnixNs as unknown as number,
        operatorId: OPERATOR_ID, decisionSeq: action.decisionSeq,
      },
    }];
  }
  const base = {
    handoverId: action.handoverId, fromMode: MODES.human, toMode: MODES.autonomy, fromAuthority: Authority.HUMAN,
    toAuthority: Authority.AUTONOMY, initiator: Initiator.OPERATOR, reason: 'conditions recovered: go again', operatorId: OPERATOR_ID,
  };
  return [
    { handover: { ...base, phase: Phase.REQUESTED, requestedUnixNs: nowUnixNs as unknown as number } },
    { handover: { ...base, phase: Phase.ACCEPTED, requestedUnixNs: nowUnixNs as unknown as number, acceptedUnixNs: nowUnixNs as unknown as number } },
  ];
}
