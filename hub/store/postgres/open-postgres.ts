// Opens the hub's PostgreSQL store: node-postgres (pg) pool behind Kysely's PostgreSQL dialect, for several hub
// processes sharing a fleet. The hub's only touch of pg. Same KyselyHubStore, same SQL as SQLite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { KyselyHubStore } from '../kysely-store.js';
import type { HubTables } from '../tables.js';

/** int8 (bigint, bigserial) as a number: seqs, times and counts stay far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') {
      return (v: string) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n)) throw new Error(`hub store: bigint ${v} is beyond 2^53`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openPostgresStore(url: string, poolSize = 10): Promise<KyselyHubStore> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: types as never, connectionTimeoutMillis: 10_000 });
  // a pooled connection that dies between queries (server restart) must not crash the hub: the next query reconnects
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`${redact(url)}: cannot open hub store: ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<HubTables>({ dialect: new PostgresDialect({ pool }) });
  const store = new KyselyHubStore(db, 'postgres');
  await store.migrate();
  return store;
}

/** The URL without its password, for error messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'store.url';
  }
}
