// Where a simulated run goes: an in-process agent, a running agent's local API, or its serial ports.
// A target takes samples, evaluates go/no-go when it can, and carries out the operator's actions.
import type { OperatorAction } from '../scenario/operator.js';
import type { Sample } from '../scenario/sampler.js';

export interface EvaluateOutcome {
  seq: number;
  verdict: 'go' | 'no-go';
  failing: string[];
  /** Set when the agent asked the operator to take over (a go -> no-go change). */
  takeover?: { id: string; decisionSeq: number; seq: number };
}

export interface SimTarget {
  readonly label: string;
  conditions(sample: Sample): Promise<void>;
  /** Runs the agent's go/no-go criteria at simulated time tS; undefined when this target cannot. */
  evaluate?(tS: number): Promise<EvaluateOutcome | undefined>;
  /** Carries out what the operator does: record handovers, or switch the autopilot's mode. */
  operator?(action: OperatorAction, tS: number): Promise<void>;
  /** A labelled moment (run start and end). */
  marker?(kind: string, text: string, tags: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** The agent's takeover request id for the n-th request of this agent process (see agent/decisions/pipeline.ts). */
export function takeoverId(decisionSeq: number, n: number): string {
  return `takeover-${decisionSeq}-${n}`;
}

/** Several targets as one: every one gets the samples; the first that can evaluates or acts. */
export function combineTargets(targets: SimTarget[]): SimTarget {
  const evaluator = targets.find((t) => t.evaluate);
  const actor = targets.find((t) => t.operator);
  const marker = targets.find((t) => t.marker);
  return {
    label: targets.map((t) => t.label).join(' + '),
    async conditions(sample) {
      for (const t of targets) await t.conditions(sample);
    },
    evaluate: evaluator ? (tS) => evaluator.evaluate!(tS) : undefined,
    operator: actor ? (action, tS) => actor.operator!(action, tS) : undefined,
    marker: marker ? (kind, text, tags) => marker.marker!(kind, text, tags) : undefined,
    async close() {
      for (const t of targets) await t.close();
    },
  };
}
