// Proves a dimension's levels disjoint and complete: every measured sample falls in exactly one level, and
// a sample missing a field falls in one level or in none (unknown), never in two. Exact, by a finite grid. Pure.
import { CONDITIONS_FIELDS, valueName, type ConditionsField } from './fields.js';
import { boundsOf, evaluate, fieldsOf, type Predicate, type PredicateIssue } from './predicate.js';

/** More grid points than this and the dimension is refused as too entangled to check. */
export const MAX_GRID_POINTS = 200_000;

export interface LevelToCheck {
  name: string;
  when: Predicate;
}

/**
 * Each predicate compares a field only with its own bounds, so its truth is constant between two
 * consecutive bounds and at each bound: one value per such piece (plus each enum value and "absent")
 * stands for all of them, and checking the product of those pieces checks every possible sample.
 */
export function checkLevels(levels: readonly LevelToCheck[], path: (string | number)[]): PredicateIssue[] {
  const fields = [...new Set(levels.flatMap((l) => [...fieldsOf(l.when)]))].sort().map((f) => CONDITIONS_FIELDS.get(f)!);
  const reps = fields.map((f) => [...representatives(f, levels.map((l) => l.when)), undefined]);
  const size = reps.reduce((n, r) => n * r.length, 1);
  if (size > MAX_GRID_POINTS) {
    return [{ path, message: `levels test too many fields and bounds to check (${size} cases over ${fields.map((f) => f.path).join(', ')}): split the dimension` }];
  }
  const issues: PredicateIssue[] = [];
  const overlaps = new Set<string>();
  let gap: string | undefined;
  const matched = new Set<string>();
  const at = new Array<number>(fields.length).fill(0);
  const values = new Map<string, number | undefined>();
  const value = (f: string) => values.get(f);
  for (let n = 0; n < size; n++) {
    fields.forEach((f, i) => values.set(f.path, reps[i][at[i]]));
    const measured = fields.every((f) => values.get(f.path) !== undefined);
    const hits = levels.filter((l) => evaluate(l.when, value) === true);
    if (measured) hits.forEach((l) => matched.add(l.name));
    if (hits.length > 1) {
      const pair = `${hits[0].name}/${hits[1].name}`;
      if (!overlaps.has(pair)) {
        overlaps.add(pair);
        issues.push({ path: [...path, hits[1].name, 'when'], message: `overlaps level "${hits[0].name}", e.g. at ${describe(fields, values)}: a sample must fall in one level` });
      }
    } else if (hits.length === 0 && measured && gap === undefined) {
      gap = describe(fields, values);
    }
    for (let i = fields.length - 1; i >= 0; i--) {
      if (++at[i] < reps[i].length) break;
      at[i] = 0;
    }
  }
  if (gap !== undefined) issues.push({ path, message: `no level matches ${gap}: add a level for it or widen one (every measured sample needs a level)` });
  for (const l of levels) {
    if (!matched.has(l.name)) issues.push({ path: [...path, l.name, 'when'], message: `matches no measured sample: its tests contradict each other or the field's range` });
  }
  return issues;
}

/** One value for each piece of the field's domain on which every predicate's truth is constant. */
function representatives(field: ConditionsField, predicates: Predicate[]): number[] {
  if (field.values) return Object.values(field.values);
  const bounds = [...new Set(predicates.flatMap((p) => [...boundsOf(p, field.path)]))].sort((a, b) => a - b);
  const lo = field.min ?? -Infinity;
  const hi = field.max ?? Infinity;
  const inside = bounds.filter((b) => b >= lo && b <= hi);
  if (inside.length === 0) return [Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi : 0];
  // one value below the first bound, each bound, one between each two, one above the last
  const out: number[] = [];
  if (inside[0] > lo) out.push(Number.isFinite(lo) ? lo : inside[0] - 1);
  inside.forEach((b, i) => {
    out.push(b);
    if (i + 1 < inside.length) out.push((b + inside[i + 1]) / 2);
  });
  const last = inside[inside.length - 1];
  if (last < hi) out.push(Number.isFinite(hi) ? hi : last + 1);
  return [...new Set(out)];
}

function describe(fields: ConditionsField[], values: Map<string, number | undefined>): string {
  return fields.map((f) => {
    const v = values.get(f.path);
    // a float32 bound such as 7.599999904632568 reads as the 7.6 it was written as
    return `${f.path}=${f.kind === 'float' && v !== undefined ? Number(v.toPrecision(7)) : valueName(f, v)}`;
  }).join(', ');
}
