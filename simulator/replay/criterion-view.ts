// A go/no-go criterion as a timeline or what-if report shows it: name, value, comparator, threshold,
// pass, with float32 noise removed (0.6200000047683716 is shown as 0.62). Pure.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CriterionView {
  name: string;
  /** null: the input was unavailable (never seen, or stale), and the criterion failed. */
  value: number | null;
  comparator: string;
  threshold: number;
  pass: boolean;
}

const COMPARATORS: Record<string, string> = { LT: '<', LE: '<=', GT: '>', GE: '>=', EQ: '==', NE: '!=', 1: '<', 2: '<=', 3: '>', 4: '>=', 5: '==', 6: '!=' };

/** From a Criterion as recordToJson gives it (enum names) or as decoded (enum numbers). */
export function criterionView(c: Json): CriterionView {
  return {
    name: c.name ?? '',
    value: typeof c.value === 'number' ? shortFloat(c.value) : null,
    comparator: COMPARATORS[c.comparator] ?? '?',
    threshold: typeof c.threshold === 'number' ? c.threshold : 0,
    pass: c.pass === true,
  };
}

/** `min_lux 60 (needs >= 100)`, or `min_lux unavailable (needs >= 100)`. */
export function criterionText(c: CriterionView): string {
  return `${c.name} ${c.value === null ? 'unavailable' : c.value} (needs ${c.comparator} ${c.threshold})`;
}

/**
 * The shortest decimal that reads back as the same float32, for values that are float32s (a float
 * field, or a double copied from one); any other double is returned as it is.
 */
export function shortFloat(v: number): number {
  if (!Number.isFinite(v) || Math.fround(v) !== v) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}
