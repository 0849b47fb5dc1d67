// The Conditions fields an operating-domain predicate may test (the table lives in proto/conditions-fields.ts,
// so the offline evidence verifier classifies with it too), and lookups with messages that name the closest one.
import { CONDITIONS_FIELDS, type ConditionsField } from '../../proto/conditions-fields.js';

export { CONDITIONS_FIELDS, type ConditionsField, type FieldKind } from '../../proto/conditions-fields.js';

/** The field at `path`, or a message naming the closest known one. */
export function lookupField(path: string): ConditionsField | string {
  const field = CONDITIONS_FIELDS.get(path);
  if (field) return field;
  const near = closest(path, [...CONDITIONS_FIELDS.keys()]);
  return near ? `unknown Conditions field "${path}": did you mean "${near}"?` : `unknown Conditions field "${path}": expected one of ${[...CONDITIONS_FIELDS.keys()].join(', ')}`;
}

/** The enum value's name, for messages. */
export function valueName(field: ConditionsField, n: number | undefined): string {
  if (n === undefined) return '(absent)';
  if (!field.values) return String(n);
  return Object.entries(field.values).find(([, v]) => v === n)?.[0] ?? String(n);
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
