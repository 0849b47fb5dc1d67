// Files a Conditions sample under its cell: one level per taxonomy dimension, or `unknown` where a field that
// dimension's levels need was not measured. Also names a matrix's dimensions and levels the taxonomy lacks. Pure.
import { CONDITIONS_FIELDS, evaluate, fieldsOf, UNKNOWN_LEVEL, type Taxonomy } from '../../config/odd-config.js';
import type { Conditions } from '../../proto/index.js';

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
  /** For each dimension the sample is unknown in: the fields its levels test that the sample lacks. */
  missing(c: Conditions): Record<string, string[]>;
}

/** A classifier for one taxonomy: reads each field the levels test once per sample. */
export function classifier(taxonomy: Taxonomy): Classifier {
  const dimFields = taxonomy.dimensions.map((d) => [...new Set(d.levels.flatMap((l) => [...fieldsOf(l.when)]))].sort());
  const fields = [...new Set(dimFields.flat())].map((f) => CONDITIONS_FIELDS.get(f)!);
  const read = (c: Conditions) => {
    const values = new Map<string, number | undefined>();
    for (const f of fields) values.set(f.path, f.read(c));
    return values;
  };
  const levelsOf = (values: Map<string, number | undefined>) => {
    const value = (f: string) => values.get(f);
    // the loader proved the levels disjoint, so the first true one is the only one
    return taxonomy.dimensions.map((d) => d.levels.find((l) => evaluate(l.when, value) === true)?.name ?? UNKNOWN_LEVEL);
  };
  const classify = ((c: Conditions) => levelsOf(read(c))) as Classifier;
  classify.missing = (c) => {
    const values = read(c);
    const levels = levelsOf(values);
    const out: Record<string, string[]> = {};
    taxonomy.dimensions.forEach((d, i) => {
      if (levels[i] === UNKNOWN_LEVEL) out[d.name] = dimFields[i].filter((f) => values.get(f) === undefined);
    });
    return out;
  };
  return classify;
}

/** One-off classification; build a classifier() for a stream of samples. */
export function classify(taxonomy: Taxonomy, c: Conditions): string[] {
  return classifier(taxonomy)(c);
}

/** Where a test matrix's names and the taxonomy's differ (a matrix dimension or level it does not define). */
export interface NameMismatch {
  dimension: string;
  level?: string;
  message: string;
}

/**
 * Checks a matrix's dimension and level names against the taxonomy, so a planned row and a measured
 * sample can land in the same cell. A level the taxonomy lacks can be planned but never achieved.
 */
export function matrixNameMismatches(taxonomy: Taxonomy, dimensions: readonly { name: string; levels: readonly { name: string }[] }[]): NameMismatch[] {
  const out: NameMismatch[] = [];
  for (const d of dimensions) {
    const known = taxonomy.dimensions.find((x) => x.name === d.name);
    if (!known) {
      out.push({ dimension: d.name, message: `taxonomy ${taxonomy.id} has no dimension "${d.name}" (it has ${taxonomy.dimensions.map((x) => x.name).join(', ')})` });
      continue;
    }
    for (const l of d.levels) {
      if (!known.levels.some((x) => x.name === l.name)) {
        out.push({ dimension: d.name, level: l.name, message: `taxonomy ${taxonomy.id} has no ${d.name} level "${l.name}" (it has ${known.levels.map((x) => x.name).join(', ')})` });
      }
    }
  }
  return out;
}
