// The agent's capture path for everything its sources produce: live signals, boundary windows,
// go/no-go decisions (periodic and on demand) and the takeover request on a go -> no-go change.
import { canonicalHash, type BoundaryConfig, type CriteriaConfig } from '../../config/index.js';
import type { Body } from '../../proto/index.js';
import type { Clock } from '../clock.js';
import { Priority, type Appended, type Outbox } from '../outbox/index.js';
import { BoundaryWindow, type WindowSample } from './boundary-window.js';
import { decisionBody, evaluateCriteria, takeoverRequest, Verdict, type Evaluation } from './evaluate.js';
import { LiveState } from './live-state.js';

export interface DecisionResult {
  seq: number;
  verdict: 'go' | 'no-go';
  failing: string[];
  handoverSeq?: number;
  evaluation: Evaluation;
}

export interface CaptureOptions {
  timeUnixNs?: bigint;
  monoNs?: bigint;
  /** Conditions from a high-rate input may be kept in the boundary window only (boundary.record_interval_ms). */
  mayThin?: boolean;
}

export const DecisionTrigger = { PERIODIC: 1, ON_DEMAND: 2, EXTERNAL: 3 } as const;

export class CapturePipeline {
  readonly live = new LiveState();
  readonly criteriaHash: Uint8Array;
  private readonly window: BoundaryWindow;
  private lastVerdict: Verdict | undefined;
  private timer: NodeJS.Timeout | undefined;
  private handovers = 0;
  private evaluating: Promise<DecisionResult | undefined> | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly criteria: CriteriaConfig | undefined,
    boundary: BoundaryConfig,
    private readonly onError: (err: Error) => void = () => {},
  ) {
    this.window = new BoundaryWindow(boundary.window_s * 1000, boundary.record_interval_ms);
    this.criteriaHash = criteria ? canonicalHash(criteria) : new Uint8Array(0);
  }

  /** Starts periodic evaluation, when the criteria ask for it. */
  start(): void {
    const every = this.criteria?.evaluate_every_ms ?? 0;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.evaluate(DecisionTrigger.PERIODIC).catch((err: Error) => this.onError(err));
      }, every);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Records one body. Conditions pass through the boundary window (and may be kept in memory only,
   * when a high-rate input is thinned); a handover or a no-go decision opens a boundary.
   */
  capture(body: Body, options: CaptureOptions & { mayThin: false }): Promise<Appended>;
  capture(body: Body, options?: CaptureOptions): Promise<Appended | undefined>;
  capture(body: Body, options: CaptureOptions = {}): Promise<Appended | undefined> {
    // Not async: bulk conditions are the hot path, and each async frame costs a promise and a tick.
    const atMs = this.clock.nowMs();
    if (this.criteria) this.live.update(body, atMs); // only criteria read live signals
    const timeUnixNs = options.timeUnixNs ?? this.clock.wallNs();
    const monoNs = options.monoNs ?? this.clock.monoNs();
    if ('conditions' in body) {
      const sample: WindowSample = { body, atMs, timeUnixNs, monoNs };
      const decision = this.window.offer(sample, options.mayThin ?? true);
      if (decision === 'skip') return Promise.resolve(undefined);
      // The closure keeps the slot, not the sample: the body is garbage once the outbox has encoded it.
      const slot = sample.slot;
      return this.outbox.append(body, { timeUnixNs, monoNs, priority: decision === 'critical' ? Priority.CRITICAL : Priority.BULK })
        .then((appended) => {
          if (this.window.recorded(slot, atMs, appended.seq)) this.outbox.promote(appended.seq, appended.seq);
          return appended;
        });
    }
    return this.captureEvent(body, atMs, timeUnixNs, monoNs);
  }

  private async captureEvent(body: Body, atMs: number, timeUnixNs: bigint, monoNs: bigint): Promise<Appended> {
    const appended = await this.outbox.append(body, { timeUnixNs, monoNs });
    const noGo = 'decision' in body && body.decision.verdict === Verdict.NO_GO;
    if ('handover' in body || noGo) await this.boundary(atMs);
    return appended;
  }

  /** Evaluates the criteria of the risk level in force now and records the Decision. */
  evaluate(trigger: number = DecisionTrigger.ON_DEMAND): Promise<DecisionResult | undefined> {
    // One evaluation at a time, so a transition is seen once.
    const run = async (): Promise<DecisionResult | undefined> => {
      const c = this.criteria;
      if (!c) return undefined;
      const now = this.clock.nowMs();
      const evaluation = evaluateCriteria(c.levels[c.risk_level], (input) => this.live.get(input, now, c.max_input_age_ms));
      const confidence = this.live.get('perception_confidence', now, c.max_input_age_ms);
      const decision = await this.outbox.append(decisionBody(evaluation, {
        riskLevel: c.risk_level, criteriaHash: this.criteriaHash, criteriaVersion: c.version, trigger, confidence,
      }));
      const result: DecisionResult = { seq: decision.seq, verdict: evaluation.verdict === Verdict.GO ? 'go' : 'no-go', failing: evaluation.failing, evaluation };
      if (evaluation.verdict === Verdict.NO_GO) {
        if (this.lastVerdict === Verdict.GO) {
          const id = `takeover-${decision.seq}-${++this.handovers}`;
          result.handoverSeq = (await this.outbox.append(takeoverRequest(decision.seq, evaluation.failing, this.clock.wallNs(), id))).seq;
        }
        await this.boundary(now);
      }
      this.lastVerdict = evaluation.verdict;
      return result;
    };
    const next = (this.evaluating ?? Promise.resolve(undefined)).catch(() => undefined).then(run);
    this.evaluating = next;
    return next;
  }

  private async boundary(atMs: number): Promise<void> {
    const plan = this.window.boundary(atMs);
    for (const s of plan.toAppend) {
      await this.outbox.append(s.body, { priority: Priority.CRITICAL, timeUnixNs: s.timeUnixNs, monoNs: s.monoNs });
    }
    if (plan.toPromote) this.outbox.promote(plan.toPromote.firstSeq, plan.toPromote.lastSeq);
  }
}
