// The human operator as a model: accepts each takeover request after a log-normal reaction time and,
// once the agent's verdict has been "go" for a while, hands control back to autonomy. Seeded; pure apart from its own state.
import type { OperatorConfig } from '../../config/scenario-config.js';
import { gaussian, type Random } from '../prng.js';

export type OperatorAction =
  | { kind: 'accept'; handoverId: string; decisionSeq: number; requestedAtS: number; reason: string }
  | { kind: 'handback'; handoverId: string };

export class OperatorModel {
  /** Who drives now. */
  authority: 'autonomy' | 'human' = 'autonomy';
  private readonly pending: { dueS: number; action: OperatorAction & { kind: 'accept' } }[] = [];
  private goSinceS: number | undefined;
  private handbacks = 0;

  constructor(private readonly config: OperatorConfig, private readonly random: Random) {}

  /** A decision made at tS; `takeoverId` is set when the agent asked for a takeover with it. */
  onDecision(tS: number, verdict: 'go' | 'no-go', failing: string[], takeover?: { id: string; decisionSeq: number }): void {
    if (verdict === 'go') this.goSinceS ??= tS;
    else this.goSinceS = undefined;
    if (takeover) {
      // log-normal around the median reaction time (sigma 0.4); at once when already in control
      const reaction = this.authority === 'human' ? 0 : this.config.reaction_s * Math.exp(0.4 * gaussian(this.random));
      this.pending.push({
        dueS: tS + reaction,
        action: { kind: 'accept', handoverId: takeover.id, decisionSeq: takeover.decisionSeq, requestedAtS: tS, reason: `no-go: ${failing.join(', ')}` },
      });
    }
  }

  /** What the operator does by tS, if anything (at most one action per call). */
  due(tS: number): OperatorAction | undefined {
    if (this.pending.length > 0 && tS >= this.pending[0].dueS) {
      const { action } = this.pending.shift()!;
      this.authority = 'human';
      return action;
    }
    if (this.authority === 'human' && this.pending.length === 0 && this.goSinceS !== undefined && tS - this.goSinceS >= this.config.handback_after_s) {
      this.authority = 'autonomy';
      this.goSinceS = undefined;
      return { kind: 'handback', handoverId: `handback-${++this.handbacks}` };
    }
    return undefined;
  }
}
