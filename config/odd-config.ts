// The operating-domain taxonomy (config/odd/*.yaml): dimensions whose levels are predicates over measured
// Conditions fields, constraints, drift features and thresholds. Validated once here, errors naming the key.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { canonicalHash } from './canonical.js';
import { idSchema } from './common.js';
import { loadConfigFile, parseConfig } from './load.js';
import { checkLevels } from './odd/check-levels.js';
import { DEFAULT_BASELINE, DEFAULT_CURRENT, DriftSpecError, parseDriftSelection } from './odd/drift-spec.js';
import { CONDITIONS_FIELDS, lookupField } from './odd/fields.js';
import { boundsOf, parsePredicate, type Predicate, type PredicateIssue } from './odd/predicate.js';
import { UNKNOWN_LEVEL } from '../proto/odd-classify.js';

/** The level a sample takes in a dimension when a field its levels need was not measured (reserved): proto/odd-classify.ts. */
export { UNKNOWN_LEVEL };

export interface OddLevel {
  name: string;
  description: string;
  when: Predicate;
}

export interface OddDimension {
  name: string;
  description: string;
  levels: OddLevel[];
}

/** A combination that cannot occur: every named dimension takes one of its listed levels. */
export type OddConstraint = Record<string, string[]>;

export interface OddFeature {
  name: string;
  field: string;
  /** Increasing bin edges: bins are (-inf, e0), [e0, e1), ..., [e_last, inf). */
  edges: number[];
}

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { message: 'expected 1-32 letters, digits, "_" or "-"' });

const levelSchema = z.strictObject({ description: z.string().default(''), when: z.unknown().optional() });

const dimensionSchema = z.strictObject({
  description: z.string().default(''),
  levels: z.record(name, levelSchema).refine((l) => Object.keys(l).length > 0, { message: 'expected at least one level' }),
});

/** A drift selection (config/odd/drift-spec.ts), parsed here so a bad one fails the load naming its key. */
const selectionSchema = (fallback: string) => z.string().default(fallback).transform((text, ctx) => {
  try {
    return parseDriftSelection(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof DriftSpecError ? err.detail : (err as Error).message });
    return z.NEVER;
  }
});

const featureSchema = z.strictObject({
  field: z.string(),
  /** Explicit edges, or `from_levels`: every bound the dimensions' levels use on this field. */
  edges: z.union([z.literal('from_levels'), z.array(z.number().refine(Number.isFinite, { message: 'expected a finite number' })).min(1)], {
    message: 'expected a list of increasing numbers, or from_levels',
  }),
});

export const oddSchema = z.strictObject({
  id: idSchema,
  description: z.string().default(''),
  /** Named predicates that levels reuse with {use: name}. */
  predicates: z.record(name, z.unknown()).default({}),
  dimensions: z.record(name, dimensionSchema).refine((d) => Object.keys(d).length > 0, { message: 'expected at least one dimension' }),
  constraints: z.array(z.record(z.string(), z.union([name, z.array(name).min(1)]))).default([]),
  /** What a cell or combination needs to count as covered: both minimums hold. */
  coverage: z.strictObject({
    min_samples: z.number().int().min(1, { message: 'must be at least 1' }).default(1),
    min_exposure_s: z.number().min(0).default(0),
  }).prefault({}),
  features: z.record(name, featureSchema).default({}),
  drift: z.strictObject({
    /** PSI at or above this: moderate shift. */
    psi_moderate: z.number().positive().default(0.1),
    /** PSI at or above this: significant shift. */
    psi_significant: z.number().positive().default(0.2),
    /** Additive (Laplace-style) count added to every bin when a bin is empty on one side only; 0.5 is Jeffreys'. */
    smoothing: z.number().positive().default(0.5),
    /** The hub's drift watcher (hub/analytics/drift-watch.ts): bands of `current` against `baseline`, checked this often (0: never). */
    baseline: selectionSchema(DEFAULT_BASELINE),
    current: selectionSchema(DEFAULT_CURRENT),
    watch_every_s: z.number().int().min(0).default(60),
  }).prefault({}),
}).transform((o, ctx) => {
  const issues: PredicateIssue[] = [];
  const named = new Map<string, Predicate | undefined>();
  for (const [key, raw] of Object.entries(o.predicates)) named.set(key, parsePredicate(raw, ['predicates', key], issues));
  const dimensions: OddDimension[] = Object.entries(o.dimensions).map(([dim, spec]) => {
    const levels: OddLevel[] = [];
    for (const [level, l] of Object.entries(spec.levels)) {
      const at = ['dimensions', dim, 'levels', level];
      if (level === UNKNOWN_LEVEL) issues.push({ path: at, message: `"${UNKNOWN_LEVEL}" is reserved for samples missing a field the levels need` });
      const when = parsePredicate(l.when, [...at, 'when'], issues, named);
      if (when) levels.push({ name: level, description: l.description, when });
    }
    if (levels.length === Object.keys(spec.levels).length) issues.push(...checkLevels(levels, ['dimensions', dim, 'levels']));
    return { name: dim, description: spec.description, levels };
  });
  const constraints = o.constraints.map((c, i) => checkConstraint(c, i, dimensions, issues));
  if (o.drift.psi_moderate >= o.drift.psi_significant) {
    issues.push({ path: ['drift', 'psi_significant'], message: `must be greater than drift.psi_moderate (${o.drift.psi_moderate})` });
  }
  const features = Object.entries(o.features).map(([feature, f]): OddFeature => {
    const at = ['features', feature];
    const field = lookupField(f.field);
    if (typeof field === 'string') {
      issues.push({ path: [...at, 'field'], message: field });
      return { name: feature, field: f.field, edges: [] };
    }
    if (field.values) issues.push({ path: [...at, 'field'], message: `${field.path} is an enum; a histogram feature needs a number field` });
    let edges: number[];
    if (f.edges === 'from_levels') {
      edges = [...new Set(dimensions.flatMap((d) => d.levels.flatMap((l) => [...boundsOf(l.when, field.path)])))].sort((a, b) => a - b);
      if (edges.length === 0) issues.push({ path: [...at, 'edges'], message: `no level tests ${field.path}: give the edges as a list` });
    } else {
      // compared with float32 values, like the levels' bounds
      edges = field.kind === 'float' ? f.edges.map(Math.fround) : f.edges;
      const bad = edges.findIndex((e, j) => j > 0 && e <= edges[j - 1]);
      if (bad > 0) issues.push({ path: [...at, 'edges', bad], message: `edges must increase: ${f.edges[bad]} follows ${f.edges[bad - 1]}` });
    }
    return { name: feature, field: field.path, edges };
  });
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  const fingerprint = Buffer.from(canonicalHash(dimensions.map((d) => ({ name: d.name, levels: d.levels.map((l) => ({ name: l.name, when: l.when })) })))).toString('hex').slice(0, 16);
  return { id: o.id, description: o.description, dimensions, constraints, coverage: o.coverage, features, drift: o.drift, fingerprint };
});

/**
 * A loaded taxonomy. `fingerprint` changes whenever a dimension, a level or a predicate does: aggregates
 * built under one fingerprint never merge with another's (rebuild them from the segments instead).
 */
export type Taxonomy = z.output<typeof oddSchema>;

function checkConstraint(c: Record<string, string | string[]>, i: number, dimensions: OddDimension[], issues: PredicateIssue[]): OddConstraint {
  const out: OddConstraint = {};
  if (Object.keys(c).length === 0) issues.push({ path: ['constraints', i], message: 'expected at least one dimension: level pair' });
  for (const [dim, levels] of Object.entries(c)) {
    const d = dimensions.find((x) => x.name === dim);
    if (!d) {
      issues.push({ path: ['constraints', i, dim], message: `unknown dimension "${dim}": expected one of ${dimensions.map((x) => x.name).join(', ')}` });
      continue;
    }
    const list = Array.isArray(levels) ? levels : [levels];
    for (const l of list) {
      if (!d.levels.some((x) => x.name === l)) issues.push({ path: ['constraints', i, dim], message: `unknown ${dim} level "${l}": expected one of ${d.levels.map((x) => x.name).join(', ')}` });
    }
    out[dim] = list;
  }
  return out;
}

/** config/odd/default.yaml, from the sources or from dist/. */
export function defaultOddFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const candidate of [join(dir, 'odd', 'default.yaml'), join(dir, 'config', 'odd', 'default.yaml')]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  return resolve('config', 'odd', 'default.yaml');
}

export function loadOddFile(file: string = defaultOddFile()): Taxonomy {
  return loadConfigFile(file, oddSchema);
}

export function parseOdd(file: string, text: string): Taxonomy {
  return parseConfig(file, text, oddSchema);
}

export { CONDITIONS_FIELDS, lookupField, type ConditionsField } from './odd/fields.js';
export { evaluate, fieldsOf, type Predicate, type Truth } from './odd/predicate.js';
