// Query parameters of the read-only API, validated at the edge with zod: a bad value is a 400 whose message
// names the parameter and the expected form, like config errors name the key. Everything inside trusts the types.
import { z } from 'zod';

export class BadRequest extends Error {
  readonly statusCode = 400;
}

/** ISO 8601 (2026-01-31T12:00Z) or Unix milliseconds, as the CLI's --since and --until take them. */
export const timeParam = z.string().transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO 8601 time (2026-01-31T12:00Z) or Unix milliseconds, got "${v}"` });
    return z.NEVER;
  }
  return ms;
});

const whole = (min: number, max: number) => z.string().transform((v, ctx) => {
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    ctx.addIssue({ code: 'custom', message: `expected a whole number ${min}-${max}, got "${v}"` });
    return z.NEVER;
  }
  return n;
});

const word = (choices: readonly string[]) => z.string().transform((v, ctx) => {
  const up = v.toUpperCase();
  if (!choices.includes(up)) {
    ctx.addIssue({ code: 'custom', message: `expected one of ${choices.join(', ')}, got "${v}"` });
    return z.NEVER;
  }
  return up;
});

const flag = z.enum(['0', '1', 'true', 'false'], { message: 'expected 1, 0, true or false' }).transform((v) => v === '1' || v === 'true');

const window = {
  device: z.string().min(1).max(64).optional(),
  since: timeParam.optional(),
  until: timeParam.optional(),
};
const paging = { limit: whole(1, 1000).optional(), offset: whole(0, 1e9).optional() };

export const coverageQuery = z.strictObject({ ...window, limit: whole(0, 1000).optional(), matrix: z.string().min(1).optional() });
export const gridQuery = z.strictObject({ ...window, a: z.string().min(1), b: z.string().min(1), source: z.string().optional(), matrix: z.string().min(1).optional() });
export const driftQuery = z.strictObject({ ...window, baseline: z.string().optional(), current: z.string().optional() });
export const driftSeriesQuery = z.strictObject({
  ...window, feature: z.string().min(1).optional(), baseline: z.string().optional(), current: z.string().optional(), bucket: z.string().optional(),
});
export const driftEventsQuery = z.strictObject({ ...window, limit: whole(1, 1000).optional() });
export const performanceQuery = z.strictObject({ ...window, matrix: z.string().min(1).optional(), source: z.string().optional() });
export const matrixQuery = z.strictObject({ since: window.since, until: window.until, threshold: z.string().optional() });
export const matrixPath = z.strictObject({ id: z.string().min(1).max(200) });
export const handoversQuery = z.strictObject({
  ...window, ...paging,
  phase: word(['REQUESTED', 'ACCEPTED', 'REJECTED', 'TIMED_OUT']).optional(),
  initiator: word(['SYSTEM', 'OPERATOR', 'SAFETY']).optional(),
  to: word(['AUTONOMY', 'HUMAN', 'SAFETY_MONITOR']).optional(),
  reason: z.string().max(200).optional(),
  cell: z.string().min(1).max(500).optional(),
});
export const decisionsQuery = z.strictObject({ ...window, ...paging, verdict: word(['GO', 'NO_GO']).optional(), cell: z.string().min(1).max(500).optional() });
export const devicesQuery = z.strictObject({ device: window.device });
export const summaryQuery = z.strictObject({});
export const recordsQuery = z.strictObject({
  device: z.string().min(1).max(64),
  from: whole(1, Number.MAX_SAFE_INTEGER),
  to: whole(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: whole(1, 1000).optional(),
  verify: flag.optional(),
});
export const handoverPath = z.strictObject({ device: z.string().min(1).max(64), seq: whole(1, Number.MAX_SAFE_INTEGER) });

/** Parses `input` or throws a BadRequest naming every bad parameter: `since: expected ..., got "x"`. */
export function parseQuery<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new BadRequest(r.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
    const at = i.path.join('.') || 'query';
    return i.code === 'invalid_type' && i.input === undefined ? `${at}: required` : `${at}: ${i.message}`;
  }).join('; '));
}
