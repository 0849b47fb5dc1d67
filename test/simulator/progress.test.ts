// The matrix run's progress line: rows, share, simulated time and an ETA; plain lines when not a TTY.
import { describe, expect, it } from 'vitest';
import { eta, progressLine, ProgressReporter } from '../../simulator/matrix/progress.js';

describe('progress line', () => {
  it('shows rows, share, simulated time and an ETA from the simulated seconds done', () => {
    const state = { rowsDone: 7, rowsTotal: 20, simDone: 420, simTotal: 1200, records: 4600, elapsedMs: 7000 };
    expect(progressLine(state)).toBe('[########----------------] 7/20 rows  35%  sim 7:00 of 20:00  4.6k records  ETA 0:13');
    expect(eta({ ...state, simDone: 0 })).toBe('--:--');
  });

  it('redraws in place on a TTY and prints one line per finished row otherwise', () => {
    let now = 0;
    const tty: string[] = [];
    const plain: string[] = [];
    const a = new ProgressReporter(2, 120, (t) => tty.push(t), true, () => now);
    const b = new ProgressReporter(2, 120, (t) => plain.push(t), false, () => now);
    for (const r of [a, b]) {
      now = 1000;
      r.advance('r01', 30);
      r.rowDone('r01', 60, 600, 'r01 clear/day: 600 records');
    }
    expect(tty.every((t) => t.startsWith('\r\x1b[2K'))).toBe(true);
    expect(tty.at(-1)).toContain('1/2 rows  50%');
    expect(plain).toEqual(['r01 clear/day: 600 records  (1/2, ETA 0:01)\n']);
  });
});
