// hub/http/: the hub's read-only HTTP API and the reviewer page's assets (fastify, touched only here).
// Started by the hub process with `--http HOST:PORT`, or alone over a store by `fieldproof hub serve`.
export { startHttp, defaultWebDir, type HttpOptions, type HttpServer } from './http-server.js';
export { registerApi, type ApiContext } from './api-routes.js';
export { BadRequest, parseQuery, timeParam } from './query.js';
