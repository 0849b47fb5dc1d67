// Generates proto/generated/fieldproof.{js,d.ts} from proto/fieldproof.proto.
// Types come from the schema; nothing in proto/generated is hand-written or committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'proto', 'generated');
const bin = (name) => join(root, 'node_modules', 'protobufjs-cli', 'bin', name);
mkdirSync(out, { recursive: true });
const js = join(out, 'fieldproof.js');
execFileSync(process.execPath, [bin('pbjs'), '-t', 'static-module', '-w', 'esm', '--no-delimited', '--no-typeurl',
  '-o', js, join(root, 'proto', 'fieldproof.proto')], { stdio: 'inherit' });
// pbjs writes an extensionless import that Node's ESM resolver refuses.
writeFileSync(js, readFileSync(js, 'utf8').replace(/from "protobufjs\/minimal"/, 'from "protobufjs/minimal.js"'));
execFileSync(process.execPath, [bin('pbts'), '-o', join(out, 'fieldproof.d.ts'), js], { stdio: 'inherit' });
