// Unit, end-to-end (embedded broker) and reliability tests: `npm test`. No external service needed.
// Tests against the real Mosquitto and PostgreSQL live in vitest.integration.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/integration/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    coverage: { provider: 'v8', include: ['proto/**', 'config/**', 'agent/**', 'hub/**', 'simulator/**', 'bin/**'], exclude: ['proto/generated/**'] },
  },
});
