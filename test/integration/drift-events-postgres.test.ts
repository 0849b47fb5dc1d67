// The drift_events contract (test/analytics/drift-events-suite.ts) on the real PostgreSQL (127.0.0.1:5432), one fresh
// schema per run. Without PostgreSQL the suite is reported skipped; with FIELDPROOF_REQUIRE_SERVICES=1 it fails instead.
import { afterAll, describe, it } from 'vitest';
import { openStore } from '../../hub/index.js';
import { freshSchema, postgresAvailable } from '../helpers/postgres.js';
import { driftEventsSuite } from '../analytics/drift-events-suite.js';

const available = await postgresAvailable().catch((err: Error) => err);

if (available instanceof Error) {
  describe('drift_events on PostgreSQL', () => {
    it('needs PostgreSQL on 127.0.0.1:5432 (FIELDPROOF_REQUIRE_SERVICES=1)', () => {
      throw available;
    });
  });
} else {
  // reported skipped only outside CI with no server: with FIELDPROOF_REQUIRE_SERVICES=1 postgresAvailable throws above
  describe.skipIf(!available)('drift_events on PostgreSQL', () => {
    const schemas: { drop(): Promise<void> }[] = [];
    afterAll(async () => {
      for (const s of schemas) await s.drop();
    });
    driftEventsSuite('PostgreSQL', async () => {
      const s = await freshSchema();
      schemas.push(s);
      return openStore({ driver: 'postgres', path: '', url: s.url });
    });
  });
}
