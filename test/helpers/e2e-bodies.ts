// What the e2e agents capture: mostly bulk conditions, with a go/no-go decision and a handover pair now
// and then, so every priority lane is exercised. Deterministic from the index; no randomness.
import type { Agent } from '../../agent/index.js';
import type { Body } from '../../proto/index.js';

export type Lane = 'bulk' | 'normal' | 'critical';

/** The i-th body of a mixed stream (i from 0): conditions, a GO or NO_GO decision, or a handover. */
export function mixedBody(i: number): { body: Body; lane: Lane } {
  if (i % 1000 === 500) {
    return {
      lane: 'critical',
      body: { handover: { handoverId: `h-${i}`, fromMode: 'AUTO.MISSION', toMode: 'POSCTL', fromAuthority: 1, toAuthority: 2, initiator: 1, phase: 2, reason: 'no-go: min_visibility_m', operatorId: 'op-e2e' } },
    };
  }
  if (i % 250 === 125) return { lane: 'critical', body: decision(2, i) };
  if (i % 250 === 0 && i > 0) return { lane: 'normal', body: decision(1, i) };
  return { lane: 'bulk', body: conditions(i) };
}

function decision(verdict: 1 | 2, i: number): Body {
  return {
    decision: {
      verdict, riskLevel: verdict === 2 ? 'high' : 'low', criteriaVersion: 'e2e-1', trigger: 1, reason: `tick ${i}`,
      criteria: [{ name: 'min_visibility_m', value: (i * 37) % 5000, comparator: 4, threshold: 300, pass: verdict === 1 }],
    },
  };
}

export function conditions(i: number, padding = 0): Body {
  return {
    conditions: {
      sourceId: 'e2e',
      weather: { precipitation: 1 + (i % 3), visibilityM: 100 + ((i * 37) % 5000) },
      lighting: { lux: (i * 91) % 100_000 },
      vibration: { rmsZ: (i % 50) / 10 },
      occlusion: { fraction: (i % 10) / 10, cause: 1 },
      measurements: padding ? [{ name: 'padding', value: i, unit: 'x'.repeat(padding) }] : [{ name: 'i', value: i, unit: '' }],
    },
  };
}

export interface Captured {
  /** Lane of every seq this call captured. */
  lanes: Map<number, Lane>;
  firstSeq: number;
  lastSeq: number;
}

/**
 * Captures `count` records of the mixed stream starting at index `from`, `batch` appends at a time
 * (they share the outbox's group commit). Resolves once every one is committed.
 * Appends go straight to the agent's outbox, each at the priority of its body: these suites test
 * transport and storage, independent of what the capture pipeline decides to record or promote.
 */
export async function captureMixed(agent: Agent, count: number, options: { from?: number; batch?: number; body?: (i: number) => { body: Body; lane: Lane } } = {}): Promise<Captured> {
  const from = options.from ?? 0;
  const batch = options.batch ?? 250;
  const make = options.body ?? mixedBody;
  const lanes = new Map<number, Lane>();
  let firstSeq = Infinity;
  let lastSeq = 0;
  for (let start = from; start < from + count; start += batch) {
    const end = Math.min(from + count, start + batch);
    const appends: Promise<void>[] = [];
    for (let i = start; i < end; i++) {
      const { body, lane } = make(i);
      appends.push(agent.outbox.append(body).then((a) => {
        lanes.set(a.seq, lane);
        firstSeq = Math.min(firstSeq, a.seq);
        lastSeq = Math.max(lastSeq, a.seq);
      }));
    }
    await Promise.all(appends);
  }
  return { lanes, firstSeq, lastSeq };
}
