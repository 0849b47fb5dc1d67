// Files a Conditions sample under its cell (the classifier is proto/odd-classify.ts, shared with the offline
// evidence verifier), and names a matrix's dimensions and levels the taxonomy lacks. Pure.
import type { Taxonomy } from '../../config/odd-config.js';

export { cellKey, cellLevels, classifier, classify, type CellKey, type Classifier } from '../../proto/odd-classify.js';

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
