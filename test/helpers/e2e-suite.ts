// The end-to-end scenario suite, written once and run against every broker (STYLE.md #5): the embedded
// aedes broker in test/e2e/embedded.test.ts, the real Mosquitto in test/integration/mosquitto.test.ts.
import { afterEach, beforeEach, describe } from 'vitest';
import type { BrokerFactory } from './brokers.js';
import { ackedElsewhere, criticalFirst, hubRestart, offlineBacklog } from './e2e-delivery.js';
import { agentKilled, brokerRestart } from './e2e-outages.js';
import { damagedSegment } from './e2e-damage.js';
import { forgedAcks } from './e2e-forged-acks.js';
import { forks } from './e2e-forks.js';
import { quotaEviction } from './e2e-quota.js';
import { rejections } from './e2e-rejections.js';
import { E2eWorld } from './e2e-world.js';

export interface SuiteContext {
  factory: BrokerFactory;
  /** The current test's world (brokers, hubs, agents, children), closed after each test. */
  world(): E2eWorld;
  /** How many records the offline-backlog scenario captures. */
  records: number;
}

export const SCENARIOS = {
  offlineBacklog, hubRestart, brokerRestart, agentKilled, criticalFirst, rejections, quotaEviction, ackedElsewhere, forgedAcks, forks, damagedSegment,
} satisfies Record<string, (ctx: SuiteContext) => void>;

export type ScenarioName = keyof typeof SCENARIOS;

export function e2eSuite(factory: BrokerFactory, options: { scenarios?: ScenarioName[]; records?: number } = {}): void {
  describe(`end to end over ${factory.name}`, () => {
    let current: E2eWorld | undefined;
    beforeEach(() => {
      current = new E2eWorld(factory);
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const ctx: SuiteContext = {
      factory,
      world: () => current ?? (() => { throw new Error('no e2e world outside a test'); })(),
      records: options.records ?? 5000,
    };
    for (const [name, register] of Object.entries(SCENARIOS)) {
      if (!options.scenarios || options.scenarios.includes(name as ScenarioName)) register(ctx);
    }
  });
}
