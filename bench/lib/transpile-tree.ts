// Transpiles an entry file and every relative module it imports into a plain-JS tree (TypeScript's
// transpileModule, no type check), so a child process can run on bare node, as the agent does in production.
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Writes `entry` (a .ts file under `root`) and its relative imports, transitively, to the same paths
 * under `out` as .js; links `out/node_modules` to the project's. Returns the entry's .js path.
 */
export function transpileTree(root: string, entry: string, out: string): string {
  const done = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length) {
    const file = queue.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith('.ts')) {
      copyFileSync(file, target); // already JavaScript (proto/generated)
      continue;
    }
    const source = readFileSync(file, 'utf8');
    const js = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(target, js.outputText);
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const js = resolve(dirname(file), fileName);
      const ts_ = js.replace(/\.js$/, '.ts');
      if (existsSync(ts_)) queue.push(ts_);
      else if (existsSync(js)) queue.push(js);
      else throw new Error(`${relative(root, file)}: cannot resolve import "${fileName}"`);
    }
  }
  // The version too: the agent records it in every Boot record, and the CLI prints it.
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name, version, type: 'module' })}\n`);
  if (!existsSync(join(out, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  return join(out, relative(root, entry)).replace(/\.ts$/, '.js');
}
