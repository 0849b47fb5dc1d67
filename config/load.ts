// Loads a YAML config file and validates it against a zod schema, reporting every problem at once
// as `file:line: key.path: what was expected, got what`. The only file that touches `yaml`.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
import type { z } from 'zod';

export class ConfigError extends Error {
  readonly code = 'CONFIG' as const;
  readonly permanent = true;
  constructor(readonly file: string, readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${file}: ${problems.length} problems:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses YAML text (named `file` in messages) and validates it. */
export function parseConfig<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => {
      // linePos is only filled in with prettyErrors; pos (offsets) always is.
      const at = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
      return `${file}${at ? `:${at.line}:${at.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`;
    }));
  }
  const data = doc.toJS() ?? {};
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    // An unknown key is reported at its own line, not at the line its section starts on.
    const unknown = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.[0] : undefined;
    const line = (unknown !== undefined ? keyLine(doc, lines, issue.path as (string | number)[], unknown) : undefined)
      ?? lineOf(doc, lines, issue.path as (string | number)[]);
    const got = describeGot(data, issue.path as (string | number)[], issue.code);
    const key = path.length ? `${path.join('.')}: ` : '';
    return `${file}${line ? `:${line}` : ''}: ${key}${issue.message}${got}`;
  });
  throw new ConfigError(file, problems);
}

export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [`${file}: cannot read config (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`]);
  }
  return parseConfig(file, text, schema);
}

function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function keyLine(doc: Document, lines: LineCounter, path: (string | number)[], key: string): number | undefined {
  const parent = path.length ? doc.getIn(path, true) : doc.contents;
  const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  return isNode(pair?.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : undefined;
}

function describeGot(data: unknown, path: (string | number)[], code: string): string {
  if (code === 'unrecognized_keys') return '';
  let value: unknown = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<string | number, unknown>)[key];
  }
  if (value === undefined) return code === 'invalid_type' ? ' (missing)' : '';
  const shown = JSON.stringify(value);
  return `, got ${shown && shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`;
}
