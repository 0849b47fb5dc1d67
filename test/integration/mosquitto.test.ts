// The shared end-to-end suite against the real Mosquitto on 127.0.0.1:1883: hub on a shared subscription
// ($share/<group>/...), agents and hub on MQTT 5, and again on MQTT 3.1.1. Each test uses random device ids
// and its own shared group, since the broker (and its retained state topics) is shared.
// Without Mosquitto the suite is reported skipped; with FIELDPROOF_REQUIRE_SERVICES=1 (CI) it fails instead.
import { describe, it } from 'vitest';
import { mosquittoAvailable, mosquittoBroker } from '../helpers/brokers.js';
import { e2eSuite } from '../helpers/e2e-suite.js';

const available = await mosquittoAvailable().catch((err: Error) => err);

if (available instanceof Error) {
  describe('Mosquitto integration', () => {
    it('needs Mosquitto on 127.0.0.1:1883 (FIELDPROOF_REQUIRE_SERVICES=1)', () => {
      throw available;
    });
  });
} else {
  // Skipped (and reported as skipped by vitest) when no broker answers and CI has not required one.
  describe.skipIf(!available)('Mosquitto integration', () => {
    e2eSuite(mosquittoBroker(5));
    e2eSuite(mosquittoBroker(4), { scenarios: ['offlineBacklog', 'hubRestart', 'brokerRestart', 'rejections', 'forgedAcks', 'forks', 'damagedSegment'], records: 2000 });
  });
}
