// A SourceContext for serial tests: collects every body handed to capture(), with a silent logger
// and the real clock unless a manual one is passed.
import { systemClock, type Clock } from '../../agent/clock.js';
import { createLogger } from '../../agent/observability.js';
import type { SourceContext } from '../../agent/sources/source.js';
import { serialSourceSchema, type SerialSourceConfig } from '../../config/index.js';
import type { Body } from '../../proto/index.js';

export interface FakeContext {
  ctx: SourceContext;
  bodies: Body[];
  conditions(): NonNullable<Extract<Body, { conditions: unknown }>['conditions']>[];
  handovers(): NonNullable<Extract<Body, { handover: unknown }>['handover']>[];
  health(): NonNullable<Extract<Body, { health: unknown }>['health']>[];
}

export function fakeContext(clock: Clock = systemClock): FakeContext {
  const bodies: Body[] = [];
  const ctx: SourceContext = {
    deviceId: 'test-device',
    clock,
    log: createLogger('silent', 'serial-test'),
    async capture(body) {
      bodies.push(body);
      return { seq: bodies.length, hash: new Uint8Array(32) };
    },
    async evaluate() {
      return undefined;
    },
  };
  return {
    ctx,
    bodies,
    conditions: () => bodies.flatMap((b) => ('conditions' in b ? [b.conditions] : [])),
    handovers: () => bodies.flatMap((b) => ('handover' in b ? [b.handover] : [])),
    health: () => bodies.flatMap((b) => ('health' in b ? [b.health] : [])),
  };
}

/** A validated port config with test-friendly defaults (fast reconnects, no thinning). */
export function portConfig(overrides: Partial<SerialSourceConfig> & Pick<SerialSourceConfig, 'path' | 'protocol'>): SerialSourceConfig {
  return serialSourceSchema.parse({ name: 'port0', reconnect_ms: 100, record_interval_ms: 0, ...overrides });
}
