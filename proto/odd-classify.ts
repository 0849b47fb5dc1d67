// Files a Conditions sample under its cell of an operating-domain taxonomy: one level per dimension, each level a
// predicate over measured fields in three-valued logic. Over plain data, so the hub's analyst and the offline
// evidence verifier (which reads the taxonomy from a packet) classify with this one code. Pure.
import type { Conditions } from './codec.js';
import { CONDITIONS_FIELDS } from './conditions-fields.js';

/** The level a sample takes in a dimension when a field its levels need was not measured. Reserved. */
export const UNKNOWN_LEVEL = 'unknown';

/** A parsed predicate. Ranges hold float32-rounded bounds for float fields, as the values are compared. */
export type Predicate =
  | { op: 'range'; field: string; lo: number; loIncl: boolean; hi: number; hiIncl: boolean }
  | { op: 'in'; field: string; values: number[] }
  | { op: 'absent'; field: string }
  | { op: 'all'; of: Predicate[] }
  | { op: 'any'; of: Predicate[] }
  | { op: 'not'; of: Predicate };

/** true, false, or undefined: cannot tell, because a field it needs was not measured. */
export type Truth = boolean | undefined;

/** What classification needs of a taxonomy: its dimensions in order, each with its levels' predicates. */
export interface ClassifyTaxonomy {
  dimensions: readonly { name: string; levels: readonly { name: string; when: Predicate }[] }[];
}

/** Evaluates `p` on the values `value` gives (undefined: not measured), in Kleene's three-valued logic. */
export function evaluate(p: Predicate, value: (field: string) => number | undefined): Truth {
  switch (p.op) {
    case 'range': {
      const v = value(p.field);
      if (v === undefined) return undefined;
      return (p.loIncl ? v >= p.lo : v > p.lo) && (p.hiIncl ? v <= p.hi : v < p.hi);
    }
    case 'in': {
      const v = value(p.field);
      return v === undefined ? undefined : p.values.includes(v);
    }
    case 'absent':
      return value(p.field) === undefined;
    case 'not': {
      const t = evaluate(p.of, value);
      return t === undefined ? undefined : !t;
    }
    case 'all':
    case 'any': {
      // all: false wins, then unknown; any: true wins, then unknown
      const decisive = p.op === 'any';
      let unknown = false;
      for (const q of p.of) {
        const t = evaluate(q, value);
        if (t === decisive) return decisive;
        if (t === undefined) unknown = true;
      }
      return unknown ? undefined : !decisive;
    }
  }
}

/** Every field `p` tests. */
export function fieldsOf(p: Predicate, out = new Set<string>()): Set<string> {
  if (p.op === 'all' || p.op === 'any') p.of.forEach((q) => fieldsOf(q, out));
  else if (p.op === 'not') fieldsOf(p.of, out);
  else out.add(p.field);
  return out;
}

/** A cell's levels in the taxonomy's dimension order, joined: "clear/day/low/none/good". */
export type CellKey = string;

export function cellKey(levels: readonly string[]): CellKey {
  return levels.join('/');
}

export function cellLevels(key: CellKey): string[] {
  return key.split('/');
}

export interface Classifier {
  /** The level per dimension, in the taxonomy's order. */
  (c: Conditions): string[];
  /** The sample's cell key (cellKey of the levels), one string per cell made once: for folds over many samples. */
  cell(c: Conditions): CellKey;
  /** For each dimension the sample is unknown in: the fields its levels test that the sample lacks. */
  missing(c: Conditions): Record<string, string[]>;
}

/**
 * A classifier for one taxonomy: reads each field the levels test once per sample. The first level whose
 * predicate is true wins (a loaded taxonomy's levels are proven disjoint); none true: `unknown`. The predicates
 * are compiled once to closures over an array of the sample's values: evaluate()'s logic, without a lookup by
 * field name per test (the analyst and the evidence verifier classify every Conditions record).
 */
export function classifier(taxonomy: ClassifyTaxonomy): Classifier {
  const dimFields = taxonomy.dimensions.map((d) => [...new Set(d.levels.flatMap((l) => [...fieldsOf(l.when)]))].sort());
  const names = [...new Set(dimFields.flat())];
  const index = new Map(names.map((f, i) => [f, i]));
  const readers = names.map((f) => {
    const field = CONDITIONS_FIELDS.get(f);
    if (!field) throw new Error(`taxonomy tests unknown Conditions field "${f}"`);
    return field.read;
  });
  const dims = taxonomy.dimensions.map((d) => d.levels.map((l) => ({ name: l.name, test: compile(l.when, index) })));
  const values: (number | undefined)[] = new Array(names.length);
  const read = (c: Conditions) => {
    for (let i = 0; i < readers.length; i++) values[i] = readers[i](c);
    return values;
  };
  const levelsOf = (v: readonly (number | undefined)[]) => {
    const out = new Array<string>(dims.length);
    for (let d = 0; d < dims.length; d++) {
      let name = UNKNOWN_LEVEL;
      for (const level of dims[d]) {
        if (level.test(v) === true) {
          name = level.name;
          break;
        }
      }
      out[d] = name;
    }
    return out;
  };
  const classify = ((c: Conditions) => levelsOf(read(c))) as Classifier;
  // A cell as a mixed-radix number over the level indexes (unknown last), then its key from a cache.
  const keys = new Map<number, CellKey>();
  const exact = dims.reduce((n, levels) => n * (levels.length + 1), 1) <= Number.MAX_SAFE_INTEGER;
  classify.cell = (c) => {
    const v = read(c);
    if (!exact) return cellKey(levelsOf(v));
    let n = 0;
    for (let d = 0; d < dims.length; d++) {
      const levels = dims[d];
      let at = levels.length;
      for (let l = 0; l < levels.length; l++) {
        if (levels[l].test(v) === true) {
          at = l;
          break;
        }
      }
      n = n * (levels.length + 1) + at;
    }
    let key = keys.get(n);
    if (key === undefined) keys.set(n, (key = cellKey(levelsOf(v))));
    return key;
  };
  classify.missing = (c) => {
    const v = read(c);
    const levels = levelsOf(v);
    const out: Record<string, string[]> = {};
    taxonomy.dimensions.forEach((d, i) => {
      if (levels[i] === UNKNOWN_LEVEL) out[d.name] = dimFields[i].filter((f) => v[index.get(f)!] === undefined);
    });
    return out;
  };
  return classify;
}

type Compiled = (v: readonly (number | undefined)[]) => Truth;

/** `p` as a closure over the values by field index; the same three-valued logic as evaluate(). */
function compile(p: Predicate, index: ReadonlyMap<string, number>): Compiled {
  switch (p.op) {
    case 'range': {
      const i = index.get(p.field)!;
      const { lo, hi, loIncl, hiIncl } = p;
      return (v) => {
        const x = v[i];
        if (x === undefined) return undefined;
        return (loIncl ? x >= lo : x > lo) && (hiIncl ? x <= hi : x < hi);
      };
    }
    case 'in': {
      const i = index.get(p.field)!;
      const set = p.values;
      return (v) => {
        const x = v[i];
        return x === undefined ? undefined : set.includes(x);
      };
    }
    case 'absent': {
      const i = index.get(p.field)!;
      return (v) => v[i] === undefined;
    }
    case 'not': {
      const of = compile(p.of, index);
      return (v) => {
        const t = of(v);
        return t === undefined ? undefined : !t;
      };
    }
    case 'all':
    case 'any': {
      const decisive = p.op === 'any';
      const of = p.of.map((q) => compile(q, index));
      return (v) => {
        let unknown = false;
        for (const q of of) {
          const t = q(v);
          if (t === decisive) return decisive;
          if (t === undefined) unknown = true;
        }
        return unknown ? undefined : !decisive;
      };
    }
  }
}

/** One-off classification; build a classifier() for a stream of samples. */
export function classify(taxonomy: ClassifyTaxonomy, c: Conditions): string[] {
  return classifier(taxonomy)(c);
}
