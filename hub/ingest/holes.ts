// Missing seqs below a device's head that no stored segment and no Gap record accounts for:
// the integrity failures the hub reports. Pure.
import type { SeqRange } from '../store/index.js';

export function unexplainedHoles(held: SeqRange[], explained: SeqRange[], headSeq: number): SeqRange[] {
  const covered = [...held, ...explained].sort((a, b) => a.first - b.first);
  const holes: SeqRange[] = [];
  let next = 1;
  for (const r of covered) {
    if (r.first > next) holes.push({ first: next, last: Math.min(r.first - 1, headSeq) });
    next = Math.max(next, r.last + 1);
    if (next > headSeq) break;
  }
  return holes.filter((h) => h.first <= h.last);
}
