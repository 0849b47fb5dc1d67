// A SourceContext that records what the local API hands it, with incrementing seqs, so the server can
// be tested without an outbox. Thinning, failures, delays and go/no-go results are set per test.
import { join } from 'node:path';
import { pino } from 'pino';
import type { SourceContext } from '../../agent/sources/source.js';
import { createLocalApiSource, type LocalApiSource } from '../../agent/sources/local-api/index.js';
import { localApiSchema } from '../../config/index.js';
import type { Body } from '../../proto/index.js';

export interface FakeOptions {
  /** Keep this body in the boundary window only (capture resolves undefined). */
  thin?: (body: Body) => boolean;
  /** Reject the capture with this error. */
  fail?: (body: Body) => Error | undefined;
  /** Resolve the n-th capture (0-based) after this many ms. */
  delayMs?: (n: number) => number;
  evaluate?: SourceContext['evaluate'];
}

export interface FakeContext extends SourceContext {
  bodies: Body[];
  evaluations: number;
}

export function fakeContext(options: FakeOptions = {}): FakeContext {
  let seq = 0;
  const ctx: FakeContext = {
    deviceId: 'uav-7',
    clock: { nowMs: () => Date.now(), wallNs: () => BigInt(Date.now()) * 1_000_000n, monoNs: () => process.hrtime.bigint() },
    log: pino({ level: 'silent' }),
    bodies: [],
    evaluations: 0,
    async capture(body) {
      // Like the outbox: the seq is taken in call order, whenever the commit completes.
      const n = ctx.bodies.length;
      ctx.bodies.push(body);
      const failure = options.fail?.(body);
      const thinned = !failure && options.thin?.(body);
      const appended = failure || thinned ? undefined : { seq: ++seq, hash: new Uint8Array(32) };
      const delay = options.delayMs?.(n) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (failure) throw failure;
      return appended;
    },
    async evaluate() {
      ctx.evaluations++;
      return options.evaluate ? options.evaluate() : undefined;
    },
  };
  return ctx;
}

/** A started local API on DIR/api.sock with a fake context; stop it in afterEach. */
export async function startFakeApi(dir: string, config: Record<string, unknown> = {}, options: FakeOptions = {}): Promise<{ api: LocalApiSource; ctx: FakeContext; socket: string }> {
  const socket = join(dir, 'api.sock');
  const ctx = fakeContext(options);
  const api = createLocalApiSource(localApiSchema.parse({ socket, ...config }), ctx);
  await api.start();
  return { api, ctx, socket };
}

/** An error shaped like the outbox's OutboxError('OUTBOX_FULL'). */
export function outboxFull(): Error {
  return Object.assign(new Error('/tmp/outbox.db: outbox quota of 1048576 bytes is full of unsent critical records; retry once the hub acknowledges'), { code: 'OUTBOX_FULL', retryable: true });
}
