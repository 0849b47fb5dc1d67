// What-if: every recorded Decision re-decided against other criteria, from live signals rebuilt by
// replaying Conditions and Health in order. Table-driven over a real recorded mission.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayCommand, type Io } from '../../bin/commands/sim-replay.js';
import { criteriaSchema, type CriteriaConfig } from '../../config/index.js';
import { openMission, whatIf, type MissionRecord, type WhatIfReport } from '../../simulator/replay/index.js';
import { buildMission, ORIGINAL_CRITERIA, type BuiltMission } from '../fixtures/replay/mission.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('fp-what-if-');
let mission: BuiltMission;
let records: MissionRecord[];
beforeAll(async () => {
  mission = await buildMission(tempDir());
  const m = openMission(mission.outbox);
  records = [...m.records()];
  m.close();
});

const criteria = (level: Record<string, unknown>, extra: Record<string, unknown> = {}): CriteriaConfig =>
  criteriaSchema.parse({ version: 'what-if', risk_level: 'medium', levels: { medium: level }, ...extra });

const changes = (r: WhatIfReport) => r.decisions.filter((d) => d.change).map((d) => `#${d.seq} ${d.change} ${d.responsible.map((c) => `${c.name}=${c.value}`).join(',')}`);

// Recorded verdicts: #4 GO (lux 20000), #7 GO (lux 300), #9 NO-GO (lux 60, confidence 0.62), #14 GO (lux 5000).
describe('what-if', () => {
  const cases: { name: string; criteria: CriteriaConfig; changes: string[]; totals: Partial<WhatIfReport['totals']>; wouldBeHandovers: number[] }[] = [
    {
      name: 'the recorded criteria reproduce every recorded decision',
      criteria: criteriaSchema.parse(ORIGINAL_CRITERIA),
      changes: [],
      totals: { decisions: 4, changed: 0, unchanged: 4, original: { go: 3, no_go: 1 }, would_be: { go: 3, no_go: 1 } },
      wouldBeHandovers: [9],
    },
    {
      name: 'a stricter light threshold flips GO to NO-GO in the rain',
      criteria: criteria({ min_lux: 500, min_confidence: 0.7, max_vibration_rms: 5 }),
      changes: ['#7 GO->NO_GO min_lux=300'],
      totals: { changed: 1, go_to_no_go: 1, no_go_to_go: 0, would_be: { go: 2, no_go: 2 } },
      wouldBeHandovers: [7],
    },
    {
      name: 'looser thresholds flip the fog NO-GO back to GO, naming what the original failed',
      criteria: criteria({ min_lux: 50, min_confidence: 0.6, max_vibration_rms: 5 }),
      changes: ['#9 NO_GO->GO min_lux=60,min_confidence=0.62'],
      totals: { changed: 1, go_to_no_go: 0, no_go_to_go: 1, would_be: { go: 4, no_go: 0 } },
      wouldBeHandovers: [],
    },
    {
      name: 'a criterion on an input never recorded fails every decision (no evidence is not a pass)',
      criteria: criteria({ min_lux: 100, min_gnss_fix: 3 }),
      changes: ['#4 GO->NO_GO min_gnss_fix=null', '#7 GO->NO_GO min_gnss_fix=null', '#14 GO->NO_GO min_gnss_fix=null'],
      totals: { changed: 3, go_to_no_go: 3, would_be: { go: 0, no_go: 4 } },
      wouldBeHandovers: [],
    },
    {
      name: 'an input older than max_input_age_ms is unavailable: health seen once at +1 s is stale by +6 s',
      criteria: criteria({ min_lux: 100, max_cpu_temp: 80 }, { max_input_age_ms: 3000 }),
      changes: ['#7 GO->NO_GO max_cpu_temp=null', '#14 GO->NO_GO max_cpu_temp=null'],
      totals: { changed: 2, go_to_no_go: 2, would_be: { go: 1, no_go: 3 } },
      wouldBeHandovers: [7],
    },
  ];

  it.each(cases)('$name', (c) => {
    const report = whatIf(records, c.criteria);
    expect(changes(report)).toEqual(c.changes);
    expect(report.totals).toMatchObject(c.totals);
    expect(report.handover_requests.recorded).toBe(1); // the takeover request naming decision #9
    expect(report.handover_requests.would_be.map((h) => h.decision_seq)).toEqual(c.wouldBeHandovers);
  });

  it('reports values against thresholds, per-criterion failure counts and the would-be decision', () => {
    const report = whatIf(records, criteria({ min_lux: 500, min_confidence: 0.7 }));
    const d7 = report.decisions.find((d) => d.seq === 7)!;
    expect(d7).toMatchObject({
      time: '2023-11-14T22:13:26.000Z', t: 6, change: 'GO->NO_GO',
      original: { verdict: 'GO', criteria_version: 'orig-1', failing: [] },
      would_be: { verdict: 'NO_GO', reason: 'failing: min_lux', failing: [{ name: 'min_lux', value: 300, comparator: '>=', threshold: 500, pass: false }] },
    });
    expect(report.failures_by_criterion).toEqual({ min_lux: 2, min_confidence: 1 });
    expect(report.handover_requests.would_be).toEqual([{ decision_seq: 7, time: '2023-11-14T22:13:26.000Z', t: 6, failing: ['min_lux'] }]);
  });

  it('evaluates another level of the file on request, and refuses one it does not define', () => {
    const two = criteriaSchema.parse({ risk_level: 'low', levels: { low: { min_lux: 10 }, high: { min_lux: 1000 } } });
    expect(whatIf(records, two).totals.changed).toBe(1); // #9 passes at lux 60
    expect(whatIf(records, two, 'high').totals).toMatchObject({ go_to_no_go: 1, no_go_to_go: 0 }); // #7 at lux 300
    expect(() => whatIf(records, two, 'extreme')).toThrow(/risk level "extreme" is not defined in the criteria \(levels: low, high\)/);
  });

  it('runs from the CLI with a YAML criteria file (an agent config will do) and prints the changes and totals', async () => {
    const file = join(mission.dir, 'strict.yaml');
    writeFileSync(file, 'device_id: anything\ncriteria:\n  version: strict-1\n  risk_level: medium\n  levels:\n    medium: { min_lux: 500, min_confidence: 0.7 }\n');
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: () => {}, color: false };
    expect(await replayCommand(mission.outbox, { speed: 0, every: 5, protocolVersion: 4, drainTimeout: 1, logLevel: 'silent', criteria: file }, io)).toBe(0);
    expect(lines[0]).toMatch(/^what-if: 4 recorded decisions re-evaluated against .*strict\.yaml \(level medium, criteria strict-1, max input age 5000 ms: min_lux, min_confidence\)$/);
    expect(lines[1]).toMatch(/^2023-11-14T22:13:26\.000Z +\+6\.000s +#7 +GO -> NO-GO +would fail min_lux 300 \(needs >= 500\)$/);
    expect(lines).toContain('totals: 4 decisions, 1 would change (1 GO -> NO-GO, 0 NO-GO -> GO), 3 unchanged; GO 3 -> 2, NO-GO 1 -> 2');
    expect(lines.at(-1)).toBe('handover requests: recorded 1, would be 1: #7 (+6.0s: min_lux)');

    const bad = join(mission.dir, 'bad.yaml');
    writeFileSync(bad, 'criteria:\n  risk_level: medium\n  levels:\n    medium: { min_luxx: 5 }\n');
    await expect(replayCommand(mission.outbox, { speed: 0, every: 5, protocolVersion: 4, drainTimeout: 1, logLevel: 'silent', criteria: bad }, io))
      .rejects.toThrow(/bad\.yaml:4: criteria\.levels\.medium\.min_luxx: expected min_<signal> or max_<signal>/);
  });
});
