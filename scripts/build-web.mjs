// Builds the reviewer page into hub/web/dist/: esbuild bundles hub/web/src/main.ts (ECharts tree-shaken) into
// assets/app.js, and index.html and the CSS are copied beside it. Everything is local: no CDN, works offline.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'hub', 'web');
const out = join(web, 'dist');
const assets = join(out, 'assets');

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: [join(web, 'src', 'main.ts')],
  outfile: join(assets, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

copyFileSync(join(web, 'index.html'), join(out, 'index.html'));
for (const f of readdirSync(join(web, 'styles'))) if (f.endsWith('.css')) copyFileSync(join(web, 'styles', f), join(assets, f));

const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('app.js'))].bytes;
process.stdout.write(`build:web: hub/web/dist (app.js ${(bytes / 1024).toFixed(0)} KiB)\n`);
