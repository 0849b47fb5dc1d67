// Integration tests against the real services this machine runs: Mosquitto on 127.0.0.1:1883
// and PostgreSQL on 127.0.0.1:5432. With FIELDPROOF_REQUIRE_SERVICES=1 (CI) a missing service fails.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
