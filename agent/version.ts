// The agent's version, recorded in every Boot record; read from package.json (copied into dist/ by the build).
// Read once.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function agentVersion(): string {
  if (!cached) {
    const here = dirname(fileURLToPath(import.meta.url));
    cached = (JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string }).version;
  }
  return cached;
}
