// proto/ must load in a browser (the evidence verifier): walks proto/index.ts's import graph over the source
// files and fails on any Node builtin (node:fs, path, ...) except ed25519.ts's guarded import('node:crypto').
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILTINS = new Set(builtinModules);
/** The Node builtins proto/ may name: ed25519.ts and hash.ts load node:crypto only where `process.versions.node` is set. */
const GUARDED = [{ file: 'proto/ed25519.ts', specifier: 'node:crypto', kind: 'dynamic' }, { file: 'proto/hash.ts', specifier: 'node:crypto', kind: 'dynamic' }];

interface Import { file: string; specifier: string; kind: 'static' | 'dynamic' }
interface Graph { files: string[]; imports: Import[]; missing: string[] }

/** The specifiers a module loads at run time: static imports and re-exports (not `import type`), and import('x'). */
export function importsOf(source: string): { specifier: string; kind: 'static' | 'dynamic' }[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: { specifier: string; kind: 'static' | 'dynamic' }[] = [];
  const statics = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/g;
  for (const m of code.matchAll(statics)) if (!m[2]) out.push({ specifier: m[3], kind: 'static' });
  // import('x') as a value; `typeof import('x')` and `import('x').Type` are types, erased at build
  for (const m of code.matchAll(/(typeof\s+)?\bimport\(\s*["']([^"']+)["']\s*\)(\s*\.\s*[A-Z])?/g)) {
    if (!m[1] && !m[3]) out.push({ specifier: m[2], kind: 'dynamic' });
  }
  return out;
}

/** Every module reachable from `entry` through relative imports; bare specifiers are recorded, not followed. */
export function importGraph(entry: string, root = ROOT): Graph {
  const files: string[] = [];
  const imports: Import[] = [];
  const missing: string[] = [];
  const queue = [resolve(root, entry)];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const path = queue.shift()!;
    const file = relative(root, path);
    files.push(file);
    for (const { specifier, kind } of importsOf(readFileSync(path, 'utf8'))) {
      imports.push({ file, specifier, kind });
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(path), specifier);
      const found = [target.replace(/\.js$/, '.ts'), target].find((candidate) => existsSync(candidate));
      if (!found) missing.push(`${file} -> ${specifier}`);
      else if (!seen.has(found)) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return { files, imports, missing };
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/** Node builtins the graph loads, other than the guarded one. */
function nodeImports(graph: Graph): Import[] {
  return graph.imports.filter((i) => isBuiltin(i.specifier) && !GUARDED.some((g) => g.file === i.file && g.specifier === i.specifier && g.kind === i.kind));
}

describe('proto/ in a browser', () => {
  const graph = importGraph('proto/index.ts');

  it('walks the whole import graph of proto/index.ts, generated code included', () => {
    expect(graph.missing).toEqual([]);
    expect(graph.files).toEqual(expect.arrayContaining(['proto/index.ts', 'proto/codec.ts', 'proto/ed25519.ts', 'proto/generated/fieldproof.js', 'proto/decoded-checks.ts', 'proto/field-ranges.ts']));
    expect(graph.imports).toContainEqual({ file: 'proto/ed25519.ts', specifier: 'node:crypto', kind: 'dynamic' });
    expect(graph.imports).toContainEqual({ file: 'proto/ed25519.ts', specifier: '@noble/ed25519', kind: 'static' });
    // packages proto/ loads are browser-safe ones
    const packages = new Set(graph.imports.filter((i) => !i.specifier.startsWith('.') && !isBuiltin(i.specifier)).map((i) => i.specifier));
    expect([...packages].sort()).toEqual(['@noble/ed25519', 'protobufjs/minimal.js']);
  });

  it('the walker sees builtins in every form, and skips types, comments and the guard (it can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fp-browser-'));
    try {
      writeFileSync(join(dir, 'index.ts'), "// import { x } from 'node:os';\nexport * from './a.js';\nexport { b } from './b.js';\nimport type { Stats } from 'node:fs';\n");
      writeFileSync(join(dir, 'a.ts'), "import {\n  readFileSync,\n} from 'node:fs';\nimport path from 'path';\nexport const a = 1;\n");
      writeFileSync(join(dir, 'b.ts'), "type C = typeof import('node:crypto');\nlet k: import('node:crypto').KeyObject;\nexport const b = await import('node:zlib');\nimport 'node:process';\n");
      const g = importGraph('index.ts', dir);
      expect(g.files.sort()).toEqual(['a.ts', 'b.ts', 'index.ts']);
      expect(nodeImports(g).map((i) => `${i.file} ${i.specifier} ${i.kind}`).sort()).toEqual([
        'a.ts node:fs static', 'a.ts path static', 'b.ts node:process static', 'b.ts node:zlib dynamic',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no module proto/index.ts loads needs a Node builtin, except the guarded node:crypto of ed25519.ts and hash.ts", () => {
    expect(nodeImports(graph)).toEqual([]);
  });

  it('key files (node:fs) live behind proto/node.ts, outside the browser graph', () => {
    expect(graph.files).not.toContain('proto/key-files.ts');
    expect(importGraph('proto/node.ts').files).toContain('proto/key-files.ts');
  });

  it('the evidence packet verifier (proto/packet/index.ts) needs no Node builtin either; reading a packet from disk is proto/packet-file.ts', () => {
    const packet = importGraph('proto/packet/index.ts');
    expect(packet.missing).toEqual([]);
    expect(packet.files).toEqual(expect.arrayContaining(['proto/packet/verify-packet.ts', 'proto/packet/tar-index.ts', 'proto/odd-classify.ts']));
    expect(nodeImports(packet)).toEqual([]);
    expect(packet.files).not.toContain('proto/packet-file.ts');
  });
});
