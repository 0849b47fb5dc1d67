// Copies the generated protobuf module and the example configs into dist/, which tsc does not emit.
// Run by `npm run build` after tsc.
import { cpSync } from "node:fs";
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'proto', 'generated'), join(root, 'dist', 'proto', 'generated'), { recursive: true });
cpSync(join(root, 'package.json'), join(root, 'dist', 'package.json'));
// npm links bin entries as executables only at install; make the built CLI runnable straight away.
import { chmodSync } from 'node:fs';
chmodSync(join(root, 'dist', 'bin', 'fieldproof.js'), 0o755);
