// The hub's read-only HTTP face: the JSON API and the reviewer page's built assets, on fastify, bound to
// 127.0.0.1 unless told otherwise. Only GET and HEAD; errors as JSON { error } with 400/404/500.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerApi, type ApiContext } from './api-routes.js';

export interface HttpOptions extends ApiContext {
  host: string;
  port: number;
  /** The built page (index.html and assets/); default hub/web/dist beside the sources. */
  webDir?: string;
  log?: { error(o: object, msg: string): void };
}

export interface HttpServer {
  url: string;
  port: number;
  app: FastifyInstance;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.map': 'application/json', '.woff2': 'font/woff2',
};

/** hub/web/dist from the sources (tsx) or from dist/hub/http (the built CLI). */
export function defaultWebDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '../web/dist'), join(here, '../../../hub/web/dist')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0];
}

/** Every file of the built page, read once: the URL space is exactly this list (no path from a request reaches the disk). */
function loadAssets(dir: string): Map<string, { type: string; body: Buffer }> {
  const out = new Map<string, { type: string; body: Buffer }>();
  const walk = (d: string, prefix: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else out.set(`/${prefix}${name}`, { type: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(path) });
    }
  };
  walk(dir, '');
  return out;
}

export async function startHttp(o: HttpOptions): Promise<HttpServer> {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 200 } });
  const assets = loadAssets(o.webDir ?? defaultWebDir());
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) o.log?.error({ err: err.message }, 'http api failed');
    void reply.code(status).send({ error: status === 500 ? `internal error: ${err.message}` : err.message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no such ${req.url.startsWith('/api/') ? 'API route' : 'page'}: ${req.method} ${req.url.split('?')[0]}` });
  });
  registerApi(app, o);
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0];
    const asset = assets.get(path === '/' ? '/index.html' : path);
    if (!asset) {
      if (path.startsWith('/api/')) return reply.code(404).send({ error: `no such API route: ${req.method} ${path}` });
      if (path === '/' || path === '/index.html') {
        return reply.code(503).type('text/plain; charset=utf-8').send('the reviewer page is not built: run `npm run build:web` (the JSON API is under /api/)\n');
      }
      return reply.code(404).send({ error: `no such page: ${path}` });
    }
    return reply.type(asset.type).header('cache-control', path === '/' || path.endsWith('.html') ? 'no-cache' : 'max-age=300').send(asset.body);
  });
  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return { url: `http://${host}:${port}/`, port, app, close: () => app.close() };
}
