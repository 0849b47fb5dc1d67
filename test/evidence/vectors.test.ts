// The conformance vectors of docs/vectors/ (docs/evidence-format.md section 11): each packet gets exactly the
// problem codes its index lists, with the named problems where listed; and the script that makes them writes
// the same bytes again, so the vectors are what the spec and the code say today.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, keyIdOf } from '../../proto/index.js';
import { bytesSource, openPacket, verifyPacket } from '../../proto/packet/index.js';
import { ROOT } from '../helpers/cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const DIR = join(ROOT, 'docs', 'vectors');
const tempDir = useTempDirs('fieldproof-vectors-');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as {
  hub: { public_key: string; key_id: string };
  vectors: { file: string; ok: boolean; codes: string[]; problems: { code: string; file?: string; device?: string; seq?: number }[] }[];
};

describe('evidence conformance vectors', () => {
  it('name a valid packet and one per tampering kind', () => {
    expect(keyIdOf(fromHex(index.hub.public_key))).toBe(index.hub.key_id);
    expect(index.vectors.map((v) => v.file)).toEqual([
      'valid.tar', 'byte-flipped.tar', 'segment-removed.tar', 'segment-repeated.tar', 'manifest-edited.tar', 'signature-replaced.tar',
      'report-edited.tar', 'tail-cut.tar', 'key-revoked.tar',
    ]);
    expect(index.vectors.filter((v) => v.ok).map((v) => v.file)).toEqual(['valid.tar']);
  });

  for (const v of index.vectors) {
    it(`${v.file}: ${v.ok ? 'verifies' : v.codes.join(', ')}`, async () => {
      const packet = await openPacket(bytesSource(readFileSync(join(DIR, v.file))));
      const verdict = await verifyPacket(packet, { hubPublicKey: fromHex(index.hub.public_key) });
      expect(verdict.ok).toBe(v.ok);
      expect([...new Set(verdict.problems.map((p) => p.code))].sort()).toEqual(v.codes);
      for (const want of v.problems) expect(verdict.problems).toContainEqual(expect.objectContaining(want));
    });
  }

  it('the script writes the same bytes again', () => {
    const out = tempDir();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'make-evidence-vectors.ts'), out], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const files = readdirSync(DIR).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    for (const f of files) expect([f, Buffer.compare(readFileSync(join(out, f)), readFileSync(join(DIR, f)))]).toEqual([f, 0]);
  }, 60_000);
});
