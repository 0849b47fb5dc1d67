// The taxonomy a packet's reports were computed under, as plain JSON (reports/taxonomy.json): dimensions, their
// levels' predicates and the exposure cap. The verifier classifies with it, so a packet needs no config to check. Pure.
import { CONDITIONS_FIELDS } from '../conditions-fields.js';
import type { ClassifyTaxonomy, Predicate } from '../odd-classify.js';

export interface PacketTaxonomy extends ClassifyTaxonomy {
  id: string;
  /** The hub's fingerprint of the dimensions and levels (config/odd-config.ts): names the aggregates the hub keeps. */
  fingerprint: string;
  /** A Conditions sample's exposure runs to the device's next Conditions record, at most this long. */
  exposure_cap_ms: number;
  dimensions: { name: string; levels: { name: string; when: Predicate }[] }[];
}

/** The taxonomy as JSON: predicates in snake_case, an unbounded side of a range as null. */
export function taxonomyToJson(t: PacketTaxonomy): unknown {
  return {
    id: t.id, fingerprint: t.fingerprint, exposure_cap_ms: t.exposure_cap_ms,
    dimensions: t.dimensions.map((d) => ({ name: d.name, levels: d.levels.map((l) => ({ name: l.name, when: predicateToJson(l.when) })) })),
  };
}

function predicateToJson(p: Predicate): unknown {
  switch (p.op) {
    case 'range':
      return { op: 'range', field: p.field, lo: Number.isFinite(p.lo) ? p.lo : null, lo_incl: p.loIncl, hi: Number.isFinite(p.hi) ? p.hi : null, hi_incl: p.hiIncl };
    case 'in':
      return { op: 'in', field: p.field, values: p.values };
    case 'absent':
      return { op: 'absent', field: p.field };
    case 'not':
      return { op: 'not', of: predicateToJson(p.of) };
    default:
      return { op: p.op, of: p.of.map(predicateToJson) };
  }
}

export class TaxonomyError extends Error {}

/** Reads reports/taxonomy.json back; throws TaxonomyError naming the member at fault. */
export function taxonomyFromJson(value: unknown): PacketTaxonomy {
  const t = obj(value, 'taxonomy');
  const cap = t.exposure_cap_ms;
  if (typeof cap !== 'number' || !Number.isSafeInteger(cap) || cap < 0) throw new TaxonomyError('exposure_cap_ms: expected a whole number of milliseconds');
  if (typeof t.id !== 'string' || typeof t.fingerprint !== 'string') throw new TaxonomyError('id and fingerprint: expected strings');
  if (!Array.isArray(t.dimensions) || t.dimensions.length === 0) throw new TaxonomyError('dimensions: expected a non-empty list');
  return {
    id: t.id, fingerprint: t.fingerprint, exposure_cap_ms: cap,
    dimensions: t.dimensions.map((d, i) => {
      const o = obj(d, `dimensions[${i}]`);
      if (typeof o.name !== 'string' || !Array.isArray(o.levels)) throw new TaxonomyError(`dimensions[${i}]: expected a name and a list of levels`);
      return {
        name: o.name,
        levels: o.levels.map((l, j) => {
          const lo = obj(l, `dimensions[${i}].levels[${j}]`);
          if (typeof lo.name !== 'string') throw new TaxonomyError(`dimensions[${i}].levels[${j}].name: expected a string`);
          return { name: lo.name, when: predicateFromJson(lo.when, `dimensions[${i}].levels[${j}].when`) };
        }),
      };
    }),
  };
}

function predicateFromJson(value: unknown, at: string): Predicate {
  const p = obj(value, at);
  const field = () => {
    if (typeof p.field !== 'string' || !CONDITIONS_FIELDS.has(p.field)) throw new TaxonomyError(`${at}.field: unknown Conditions field ${JSON.stringify(p.field)}`);
    return p.field;
  };
  const bound = (v: unknown, infinite: number, name: string) => {
    if (v === null) return infinite;
    if (typeof v !== 'number') throw new TaxonomyError(`${at}.${name}: expected a number or null`);
    return v;
  };
  switch (p.op) {
    case 'range':
      if (typeof p.lo_incl !== 'boolean' || typeof p.hi_incl !== 'boolean') throw new TaxonomyError(`${at}: lo_incl and hi_incl must be true or false`);
      return { op: 'range', field: field(), lo: bound(p.lo, -Infinity, 'lo'), loIncl: p.lo_incl, hi: bound(p.hi, Infinity, 'hi'), hiIncl: p.hi_incl };
    case 'in':
      if (!Array.isArray(p.values) || !p.values.every((v) => Number.isInteger(v))) throw new TaxonomyError(`${at}.values: expected a list of enum numbers`);
      return { op: 'in', field: field(), values: p.values as number[] };
    case 'absent':
      return { op: 'absent', field: field() };
    case 'not':
      return { op: 'not', of: predicateFromJson(p.of, `${at}.of`) };
    case 'all':
    case 'any':
      if (!Array.isArray(p.of) || p.of.length === 0) throw new TaxonomyError(`${at}.of: expected a non-empty list`);
      return { op: p.op, of: p.of.map((q, i) => predicateFromJson(q, `${at}.of[${i}]`)) };
    default:
      throw new TaxonomyError(`${at}.op: expected range, in, absent, not, all or any, got ${JSON.stringify(p.op)}`);
  }
}

function obj(v: unknown, at: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TaxonomyError(`${at}: expected an object`);
  return v as Record<string, unknown>;
}
