// Opens the hub's SQLite store: better-sqlite3 (WAL) behind Kysely's SQLite dialect.
// The hub's only touch of better-sqlite3.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KyselyHubStore } from '../kysely-store.js';
import type { HubTables } from '../tables.js';
import { cachingDatabase } from './statement-cache.js';

export async function openSqliteStore(path: string): Promise<KyselyHubStore> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { timeout: 5000 });
  } catch (err) {
    throw new Error(`${path}: cannot open hub store: ${(err as Error).message}`, { cause: err });
  }
  sqlite.pragma('journal_mode = WAL');
  // The hub acks only what is committed; FULL makes "committed" survive power loss, not just a crash.
  sqlite.pragma('synchronous = FULL');
  const db = new Kysely<HubTables>({ dialect: new SqliteDialect({ database: cachingDatabase(sqlite) }) });
  const store = new KyselyHubStore(db, 'sqlite');
  await store.migrate();
  return store;
}
