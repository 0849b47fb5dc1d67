// Go/no-go: evaluates a risk level's criteria against live signals. Pure.
// A criterion whose input is unavailable (never seen, or stale) fails: no evidence is not a pass.
import type { Comparator, CriterionSpec } from '../../config/index.js';
import type { Body, Criterion } from '../../proto/index.js';

export const Verdict = { GO: 1, NO_GO: 2 } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

const COMPARATOR_CODE: Record<Comparator, number> = { '<': 1, '<=': 2, '>': 3, '>=': 4, '==': 5, '!=': 6 };

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '==': return value === threshold;
    case '!=': return value !== threshold;
  }
}

export interface Evaluation {
  verdict: Verdict;
  criteria: Criterion[];
  failing: string[];
}

export function evaluateCriteria(specs: CriterionSpec[], read: (input: string) => number | undefined): Evaluation {
  const criteria: Criterion[] = specs.map((s) => {
    const value = read(s.input);
    const pass = value !== undefined && compare(value, s.comparator, s.threshold);
    return { name: s.name, value, comparator: COMPARATOR_CODE[s.comparator], threshold: s.threshold, pass };
  });
  const failing = criteria.filter((c) => !c.pass).map((c) => c.name!);
  return { verdict: failing.length === 0 ? Verdict.GO : Verdict.NO_GO, criteria, failing };
}

export interface DecisionContext {
  riskLevel: string;
  criteriaHash: Uint8Array;
  criteriaVersion: string;
  trigger: number; // Decision.Trigger: 1 periodic, 2 on demand
  modelId?: string;
  modelVersion?: string;
  confidence?: number;
}

export function decisionBody(e: Evaluation, c: DecisionContext): Body {
  return {
    decision: {
      verdict: e.verdict,
      criteria: e.criteria,
      riskLevel: c.riskLevel,
      criteriaHash: c.criteriaHash,
      criteriaVersion: c.criteriaVersion,
      modelId: c.modelId ?? '',
      modelVersion: c.modelVersion ?? '',
      confidence: c.confidence,
      trigger: c.trigger,
      reason: e.failing.length ? `failing: ${e.failing.join(', ')}` : 'all criteria pass',
    },
  };
}

/** The handover request a go -> no-go transition raises: autonomy asks the human operator to take over. */
export function takeoverRequest(decisionSeq: number, failing: string[], requestedUnixNs: bigint, handoverId: string): Body {
  return {
    handover: {
      handoverId,
      fromAuthority: 1, // AUTONOMY
      toAuthority: 2, // HUMAN
      initiator: 1, // SYSTEM
      phase: 1, // REQUESTED
      reason: `no-go: ${failing.join(', ')}`,
      requestedUnixNs: requestedUnixNs as unknown as number,
      decisionSeq,
    },
  };
}
