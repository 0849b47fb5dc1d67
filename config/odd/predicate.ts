// The taxonomy's predicate language: comparisons on one Conditions field, set membership for enums, `absent`,
// and all/any/not. Parsed from YAML with errors at their key path; evaluated in three-valued logic. Pure.
import type { Predicate } from '../../proto/odd-classify.js';
import { lookupField, type ConditionsField } from './fields.js';

// The predicate type and its evaluation live in proto/, beside the classifier the hub and the evidence verifier share.
export { evaluate, fieldsOf, type Predicate, type Truth } from '../../proto/odd-classify.js';

export interface PredicateIssue {
  path: (string | number)[];
  message: string;
}

const COMPARISONS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
const FORMS = 'expected {field, gt/gte/lt/lte/eq: number}, {field, in: [NAME, ...]}, {field, absent: true}, {all: [...]}, {any: [...]}, {not: {...}} or {use: name}';

/**
 * Parses `raw` (found at `path`) into a predicate, pushing every problem onto `issues`. `named` holds the
 * taxonomy's `predicates:` for `use:`; those may not use one another (named is undefined while they parse).
 */
export function parsePredicate(raw: unknown, path: (string | number)[], issues: PredicateIssue[], named?: ReadonlyMap<string, Predicate | undefined>): Predicate | undefined {
  const fail = (message: string, at: (string | number)[] = path): undefined => {
    issues.push({ path: at, message });
    return undefined;
  };
  if (raw === undefined || raw === null) return fail(`missing predicate: ${FORMS}`);
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(`${FORMS}, got ${JSON.stringify(raw)}`);
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const op of ['all', 'any'] as const) {
    if (!(op in obj)) continue;
    if (keys.length !== 1) return fail(`"${op}" stands alone in its object, got also ${keys.filter((k) => k !== op).join(', ')}`);
    const list = obj[op];
    if (!Array.isArray(list) || list.length === 0) return fail(`expected a non-empty list of predicates`, [...path, op]);
    const of = list.map((p, i) => parsePredicate(p, [...path, op, i], issues, named));
    return of.every((p) => p !== undefined) ? { op, of: of as Predicate[] } : undefined;
  }
  if ('not' in obj) {
    if (keys.length !== 1) return fail(`"not" stands alone in its object, got also ${keys.filter((k) => k !== 'not').join(', ')}`);
    const of = parsePredicate(obj.not, [...path, 'not'], issues, named);
    return of && { op: 'not', of };
  }
  if ('use' in obj) {
    if (keys.length !== 1) return fail(`"use" stands alone in its object, got also ${keys.filter((k) => k !== 'use').join(', ')}`);
    if (!named) return fail('a named predicate may not use another one', [...path, 'use']);
    // a named predicate that failed to parse is there with no value: its own error says why
    if (typeof obj.use === 'string' && named.has(obj.use)) return named.get(obj.use);
    return fail(`unknown predicate ${JSON.stringify(obj.use)}: expected one of ${[...named.keys()].join(', ') || '(none defined under predicates:)'}`, [...path, 'use']);
  }
  if (!('field' in obj)) return fail(FORMS);
  if (typeof obj.field !== 'string') return fail(`expected a field name such as weather.visibility_m`, [...path, 'field']);
  const field = lookupField(obj.field);
  if (typeof field === 'string') return fail(field, [...path, 'field']);
  const tests = keys.filter((k) => k !== 'field');
  const unknown = tests.filter((k) => !(COMPARISONS as readonly string[]).includes(k) && k !== 'in' && k !== 'absent');
  if (unknown.length) return fail(`unknown key "${unknown[0]}": ${FORMS}`, [...path, unknown[0]]);
  if (tests.length === 0) return fail(`no test on ${field.path}: add gt/gte/lt/lte/eq, in or absent`);
  if ('absent' in obj) {
    if (obj.absent !== true) return fail('expected true (to test "not measured"; wrap in not: for "measured")', [...path, 'absent']);
    if (tests.length > 1) return fail(`"absent" stands alone beside field, got also ${tests.filter((k) => k !== 'absent').join(', ')}`);
    return { op: 'absent', field: field.path };
  }
  if ('in' in obj) return parseIn(field, obj, tests, path, fail);
  return parseRange(field, obj, tests, path, fail);
}

type Fail = (message: string, at?: (string | number)[]) => undefined;

function parseIn(field: ConditionsField, obj: Record<string, unknown>, tests: string[], path: (string | number)[], fail: Fail): Predicate | undefined {
  if (!field.values) return fail(`"in" is for enum fields; ${field.path} is a number: use gt/gte/lt/lte/eq`, [...path, 'in']);
  if (tests.length > 1) return fail(`"in" stands alone beside field, got also ${tests.filter((k) => k !== 'in').join(', ')}`);
  const list = obj.in;
  const names = Object.keys(field.values);
  if (!Array.isArray(list) || list.length === 0) return fail(`expected a non-empty list of ${names.join(', ')}`, [...path, 'in']);
  const values: number[] = [];
  let ok = true;
  list.forEach((name, i) => {
    const n = typeof name === 'string' ? field.values![name] : undefined;
    if (n === undefined) ok = !!fail(`unknown ${field.path} value ${JSON.stringify(name)}: expected one of ${names.join(', ')} (UNSPECIFIED means not measured: use absent)`, [...path, 'in', i]);
    else if (values.includes(n)) ok = !!fail(`duplicate value "${name}"`, [...path, 'in', i]);
    else values.push(n);
  });
  return ok ? { op: 'in', field: field.path, values } : undefined;
}

function parseRange(field: ConditionsField, obj: Record<string, unknown>, tests: string[], path: (string | number)[], fail: Fail): Predicate | undefined {
  if (field.values) return fail(`${field.path} is an enum: use in: [${Object.keys(field.values).join(', ')}]`, [...path, tests[0]]);
  for (const k of tests) {
    if (typeof obj[k] !== 'number' || !Number.isFinite(obj[k])) return fail(`expected a finite number, got ${JSON.stringify(obj[k])}`, [...path, k]);
  }
  if ('eq' in obj && tests.length > 1) return fail(`"eq" stands alone beside field, got also ${tests.filter((k) => k !== 'eq').join(', ')}`);
  if ('gt' in obj && 'gte' in obj) return fail('give gt or gte, not both', [...path, 'gte']);
  if ('lt' in obj && 'lte' in obj) return fail('give lt or lte, not both', [...path, 'lte']);
  // a float field's value arrives as float32: 7.6 written by an agent decodes as 7.599999904632568
  const bound = (k: string) => (field.kind === 'float' ? Math.fround(obj[k] as number) : (obj[k] as number));
  const range: Predicate = 'eq' in obj
    ? { op: 'range', field: field.path, lo: bound('eq'), loIncl: true, hi: bound('eq'), hiIncl: true }
    : {
        op: 'range', field: field.path,
        lo: 'gt' in obj ? bound('gt') : 'gte' in obj ? bound('gte') : -Infinity, loIncl: !('gt' in obj),
        hi: 'lt' in obj ? bound('lt') : 'lte' in obj ? bound('lte') : Infinity, hiIncl: !('lt' in obj),
      };
  if (range.lo > range.hi || (range.lo === range.hi && !(range.loIncl && range.hiIncl))) {
    const lo = tests.find((k) => k === 'gt' || k === 'gte')!;
    const hi = tests.find((k) => k === 'lt' || k === 'lte')!;
    return fail(`empty range: ${lo} ${obj[lo]} and ${hi} ${obj[hi]} leave no value of ${field.path}`);
  }
  return range;
}

/** Every finite bound a range on `field` uses: where its truth can change. */
export function boundsOf(p: Predicate, field: string, out = new Set<number>()): Set<number> {
  if (p.op === 'all' || p.op === 'any') p.of.forEach((q) => boundsOf(q, field, out));
  else if (p.op === 'not') boundsOf(p.of, field, out);
  else if (p.op === 'range' && p.field === field) [p.lo, p.hi].filter(Number.isFinite).forEach((b) => out.add(b));
  return out;
}
