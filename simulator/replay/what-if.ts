// What-if: re-evaluates every recorded Decision against other go/no-go criteria. Live signals are rebuilt
// by replaying Conditions and Health records in order; each Decision is re-decided at its own time. Pure.
import { decisionBody, evaluateCriteria, LiveState, Verdict } from '../../agent/index.js';
import { canonicalHash, type CriteriaConfig } from '../../config/index.js';
import { bodyOf, recordToJson, toNumber, type RecordMessage } from '../../proto/index.js';
import { criterionView, type CriterionView } from './criterion-view.js';
import { isoOf, secondsSince } from './timeline.js';

export interface WhatIfInput {
  seq: number;
  timeUnixNs: bigint;
  record: RecordMessage;
}

export type Change = 'GO->NO_GO' | 'NO_GO->GO';

export interface WhatIfDecision {
  seq: number;
  time: string;
  /** Seconds since the mission's first record. */
  t: number;
  original: { verdict: string; risk_level: string; criteria_version: string; failing: CriterionView[] };
  would_be: { verdict: string; reason: string; criteria: CriterionView[]; failing: CriterionView[] };
  change?: Change;
  /** GO->NO_GO: the new criteria that fail. NO_GO->GO: the original's failing criteria, now cleared. */
  responsible: CriterionView[];
}

export interface WouldBeHandover {
  decision_seq: number;
  time: string;
  t: number;
  failing: string[];
}

export interface WhatIfReport {
  risk_level: string;
  criteria_version: string;
  max_input_age_ms: number;
  criteria: string[];
  decisions: WhatIfDecision[];
  totals: {
    decisions: number;
    changed: number;
    go_to_no_go: number;
    no_go_to_go: number;
    unchanged: number;
    original: { go: number; no_go: number };
    would_be: { go: number; no_go: number };
  };
  /** How many decisions each new criterion would fail. */
  failures_by_criterion: Record<string, number>;
  handover_requests: {
    /** Recorded takeover requests that name the decision behind them. */
    recorded: number;
    /** Raised on each GO -> NO-GO change of the would-be verdicts, as the agent's pipeline does. */
    would_be: WouldBeHandover[];
  };
}

const { GO, NO_GO } = Verdict;
const VERDICT_NAMES: Record<number, string> = { 0: 'VERDICT_UNSPECIFIED', [GO]: 'GO', [NO_GO]: 'NO_GO' };

export class WhatIf {
  private readonly live = new LiveState();
  private readonly level: string;
  private readonly criteriaHash: Uint8Array;
  private t0: bigint | undefined;
  private lastVerdict: number | undefined;
  private readonly report: WhatIfReport;

  constructor(private readonly criteria: CriteriaConfig, riskLevel?: string) {
    this.level = riskLevel ?? criteria.risk_level;
    if (!(this.level in criteria.levels)) {
      throw new Error(`risk level "${this.level}" is not defined in the criteria (levels: ${Object.keys(criteria.levels).join(', ')})`);
    }
    this.criteriaHash = canonicalHash(criteria);
    const specs = criteria.levels[this.level];
    this.report = {
      risk_level: this.level, criteria_version: criteria.version, max_input_age_ms: criteria.max_input_age_ms, criteria: specs.map((s) => s.name),
      decisions: [],
      totals: { decisions: 0, changed: 0, go_to_no_go: 0, no_go_to_go: 0, unchanged: 0, original: { go: 0, no_go: 0 }, would_be: { go: 0, no_go: 0 } },
      failures_by_criterion: Object.fromEntries(specs.map((s) => [s.name, 0])),
      handover_requests: { recorded: 0, would_be: [] },
    };
  }

  /** Takes the mission's records in seq order. */
  push(input: WhatIfInput): void {
    this.t0 ??= input.timeUnixNs;
    const body = bodyOf(input.record);
    if (!body) return;
    const atMs = Number(input.timeUnixNs / 1_000_000n);
    if ('conditions' in body || 'health' in body) this.live.update(body, atMs);
    else if ('handover' in body) {
      if (body.handover.phase === 1 && toNumber(body.handover.decisionSeq) > 0) this.report.handover_requests.recorded++;
    } else if ('decision' in body) this.decide(input, atMs);
  }

  result(): WhatIfReport {
    return this.report;
  }

  private decide(input: WhatIfInput, atMs: number): void {
    const c = this.criteria;
    const evaluation = evaluateCriteria(c.levels[this.level], (name) => this.live.get(name, atMs, c.max_input_age_ms));
    const original = recordToJson(input.record).decision as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const wouldBody = decisionBody(evaluation, {
      riskLevel: this.level, criteriaHash: this.criteriaHash, criteriaVersion: c.version, trigger: input.record.decision?.trigger ?? 0,
    });
    const would = 'decision' in wouldBody ? wouldBody.decision : undefined;
    const wouldCriteria = (evaluation.criteria as Record<string, unknown>[]).map(criterionView);
    const originalCriteria = ((original.criteria ?? []) as Record<string, unknown>[]).map(criterionView);
    const was = input.record.decision?.verdict ?? 0;
    const now = evaluation.verdict;
    const change: Change | undefined = was === GO && now === NO_GO ? 'GO->NO_GO' : was === NO_GO && now === GO ? 'NO_GO->GO' : undefined;
    const time = isoOf(input.timeUnixNs);
    const t = secondsSince(this.t0!, input.timeUnixNs);
    const wouldFailing = wouldCriteria.filter((x) => !x.pass);
    const originalFailing = originalCriteria.filter((x) => !x.pass);
    this.report.decisions.push({
      seq: input.seq, time, t,
      original: { verdict: VERDICT_NAMES[was] ?? String(was), risk_level: original.riskLevel ?? '', criteria_version: original.criteriaVersion ?? '', failing: originalFailing },
      would_be: { verdict: VERDICT_NAMES[now], reason: would?.reason ?? '', criteria: wouldCriteria, failing: wouldFailing },
      change,
      responsible: change === 'GO->NO_GO' ? wouldFailing : change === 'NO_GO->GO' ? originalFailing : [],
    });
    const totals = this.report.totals;
    totals.decisions++;
    if (change) totals.changed++;
    else totals.unchanged++;
    if (change === 'GO->NO_GO') totals.go_to_no_go++;
    if (change === 'NO_GO->GO') totals.no_go_to_go++;
    if (was === GO) totals.original.go++;
    if (was === NO_GO) totals.original.no_go++;
    if (now === GO) totals.would_be.go++;
    else totals.would_be.no_go++;
    for (const f of wouldFailing) this.report.failures_by_criterion[f.name] = (this.report.failures_by_criterion[f.name] ?? 0) + 1;
    if (now === NO_GO && this.lastVerdict === GO) {
      this.report.handover_requests.would_be.push({ decision_seq: input.seq, time, t, failing: evaluation.failing });
    }
    this.lastVerdict = now;
  }
}

/** Re-evaluates a whole mission at once. */
export function whatIf(records: Iterable<WhatIfInput>, criteria: CriteriaConfig, riskLevel?: string): WhatIfReport {
  const engine = new WhatIf(criteria, riskLevel);
  for (const r of records) engine.push(r);
  return engine.result();
}
