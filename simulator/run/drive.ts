// The simulation loop: samples at rate_hz, go/no-go at decision_hz and the operator's reactions, all on
// simulated time. It runs as fast as the target commits, unless a pace (real time, or a speed-up) is given.
import type { Scenario } from '../../config/scenario-config.js';
import { deriveSeed, seededRandom } from '../prng.js';
import { OperatorModel } from '../scenario/operator.js';
import { ScenarioSampler } from '../scenario/sampler.js';
import type { SimTarget } from './target.js';

export interface DriveStats {
  samples: number;
  decisions: number;
  noGo: number;
  /** Takeover requests the agent raised (go -> no-go changes). */
  takeovers: number;
  /** Takeovers the operator accepted, and hand-backs to autonomy. */
  accepted: number;
  handbacks: number;
  simSeconds: number;
}

export interface DriveOptions {
  /** Waits until simulated time tS may be sent (real-time pacing); absent: as fast as possible. */
  pace?(tS: number): Promise<void>;
  /** Called after each sample with the simulated seconds done. */
  onProgress?(tS: number): void;
  /** Checked before each sample; true stops the run early (Ctrl-C). */
  stopped?(): boolean;
}

export async function driveScenario(scenario: Scenario, target: SimTarget, options: DriveOptions = {}): Promise<DriveStats> {
  const sampler = new ScenarioSampler(scenario);
  const operator = new OperatorModel(scenario.operator, seededRandom(deriveSeed(scenario.seed, 'operator')));
  const stats: DriveStats = { samples: 0, decisions: 0, noGo: 0, takeovers: 0, accepted: 0, handbacks: 0, simSeconds: 0 };
  const samples = Math.max(1, Math.round(scenario.duration_s * scenario.rate_hz));
  const decisionEvery = 1 / scenario.decision_hz;
  let nextDecision = decisionEvery;
  await target.marker?.('sim.start', `scenario ${scenario.name} seed ${scenario.seed}`, { scenario: scenario.name, seed: String(scenario.seed) });
  // Captures between two decisions are sent without waiting for each one (the target keeps their order),
  // so the agent commits them as one batch; everything is committed before each evaluation.
  const sent: Promise<void>[] = [];
  const settle = async () => {
    const results = await Promise.allSettled(sent.splice(0));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  for (let i = 0; i < samples; i++) {
    if (options.stopped?.()) break;
    const tS = i / scenario.rate_hz;
    if (options.pace) {
      await settle();
      await options.pace(tS);
    }
    for (let action = operator.due(tS); action; action = operator.due(tS)) {
      if (target.operator) sent.push(target.operator(action, tS));
      if (action.kind === 'accept') stats.accepted++;
      else stats.handbacks++;
    }
    sent.push(target.conditions(sampler.sample(tS)));
    stats.samples++;
    if (sent.length >= 1000) await settle();
    while (target.evaluate && tS + 1e-9 >= nextDecision) {
      nextDecision += decisionEvery;
      await settle();
      const outcome = await target.evaluate(tS);
      if (!outcome) break;
      stats.decisions++;
      if (outcome.verdict === 'no-go') stats.noGo++;
      if (outcome.takeover) stats.takeovers++;
      operator.onDecision(tS, outcome.verdict, outcome.failing, outcome.takeover && { id: outcome.takeover.id, decisionSeq: outcome.takeover.decisionSeq });
    }
    options.onProgress?.(tS);
  }
  await settle();
  stats.simSeconds = Math.min(scenario.duration_s, stats.samples / scenario.rate_hz);
  await target.marker?.('sim.end', `scenario ${scenario.name} done`, { scenario: scenario.name, samples: String(stats.samples) });
  return stats;
}

/** Real-time pacing, sped up `speed` times: simulated second tS is sent at start + tS / speed. */
export function realTimePace(speed: number, now: () => number = () => performance.now()): (tS: number) => Promise<void> {
  let startMs: number | undefined;
  return async (tS) => {
    startMs ??= now();
    const wait = startMs + (tS * 1000) / speed - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  };
}
