// PostgreSQL for the integration tests: the machine's server on 127.0.0.1:5432 (trust auth, database "test"),
// one fresh schema per store, dropped at the end, so runs never see each other's rows.
import pg from 'pg';
import { randomId } from './brokers.js';

export const PG_BASE = process.env.FIELDPROOF_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_BASE, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    if (process.env.FIELDPROOF_REQUIRE_SERVICES === '1') throw new Error(`PostgreSQL is required (FIELDPROOF_REQUIRE_SERVICES=1) but ${PG_BASE} did not answer: ${(err as Error).message}`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A new empty schema; the URL's search_path points at it. */
export async function freshSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = randomId('fp_test').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = `${PG_BASE}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
