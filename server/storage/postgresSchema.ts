/**
 * The PostgreSQL schema as numbered migrations, applied on start.
 *
 * Several instances may start at once against one database, so migrating
 * holds a session advisory lock: the first instance applies what is missing
 * while the others wait, then find nothing left to do. Each migration runs
 * in its own transaction together with its row in `schema_migrations`, so a
 * crash mid-way leaves the database at the previous version, not between.
 *
 * Never edit a migration that has shipped: add the next one.
 */
import type pg from 'pg'
import { reindexSearchTerms } from './postgresSearch.ts'

export interface Migration {
  version: number
  name: string
  sql: string
  /** What SQL alone cannot do, after `sql`, in the same transaction. */
  apply?: (client: pg.PoolClient) => Promise<void>
}

/**
 * docs.last_seq is the document's sequence counter: an append locks the row
 * and takes the next numbers from it, so sequence numbers come in commit
 * order with no gaps (a rolled-back append rolls back the counter too).
 *
 * A deleted document keeps its docs row with deleted_at set: that row is the
 * tombstone, and because appends must lock it, an append and a delete are
 * ordered by the same row lock (no resurrection by a racing append).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'docs, updates, revoked tokens',
    sql: `
      CREATE TABLE docs (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_seq BIGINT NOT NULL DEFAULT 0,
        snapshot BYTEA,
        snapshot_seq BIGINT NOT NULL DEFAULT 0,
        deleted_at BIGINT
      );
      CREATE TABLE updates (
        doc_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (doc_id, seq)
      );
      CREATE TABLE revoked_tokens (
        jti TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'server client id claims',
    // A claim outlives a crashed instance (it is never released); a
    // document has 65534 ids, and a room only needs one nobody else holds.
    sql: `
      CREATE TABLE server_clients (
        doc_id TEXT NOT NULL,
        client_id INTEGER NOT NULL,
        claimed_at BIGINT NOT NULL,
        PRIMARY KEY (doc_id, client_id)
      );
    `,
  },
  {
    version: 3,
    name: 'last editor and search text',
    // doc_text is written about once a second per edited document, never by
    // appends (see postgresSearch.ts). Titles already stored are indexed
    // now; a document's text the next time its room stores a summary.
    sql: `
      ALTER TABLE docs ADD COLUMN edited_by TEXT;
      CREATE TABLE doc_text (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        search TSVECTOR NOT NULL
      );
      CREATE INDEX doc_text_search ON doc_text USING GIN (search);
      INSERT INTO doc_text (id, body, search)
        SELECT id, '', to_tsvector('simple', title) FROM docs WHERE deleted_at IS NULL AND title <> '';
    `,
  },
  {
    version: 4,
    name: 'versions',
    // The store deletes a document's versions with it (its docs row stays
    // as the tombstone, so the cascade is only for a row removed by hand).
    // n orders versions of the same millisecond; listing never reads content.
    sql: `
      CREATE TABLE versions (
        n BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('auto', 'named', 'before-restore', 'before-ai')),
        name TEXT,
        authors TEXT[] NOT NULL,
        content_hash TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        content BYTEA NOT NULL
      );
      CREATE INDEX versions_doc ON versions (doc_id, created_at DESC);
    `,
  },
  {
    version: 5,
    name: 'search terms: folded words and pairs of ideographs',
    // The vectors are rebuilt from the stored text by the terms the server
    // makes (postgresSearch.ts), which SQL cannot compute.
    sql: '',
    apply: reindexSearchTerms,
  },
]

/** An arbitrary constant: the advisory lock that serialises migrations (per database). */
const MIGRATION_LOCK = 7_340_112_001

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError'
}

/** Apply the migrations this database lacks. Safe to call from several instances at once. */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await applyMissing(client, migrations)
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    client.release()
  } catch (err) {
    // Discarding the connection ends its session, which drops the lock too.
    client.release(err as Error)
    throw err
  }
}

async function applyMissing(client: pg.PoolClient, migrations: readonly Migration[]): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`)
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
  const applied = new Set(rows.map((r) => r.version))
  const known = Math.max(0, ...migrations.map((m) => m.version))
  const newest = Math.max(0, ...applied)
  // An older server on a newer schema could write what the new one no longer reads.
  if (newest > known) throw new SchemaTooNewError(`the database schema is at version ${newest}, newer than this server knows (${known}): upgrade the server`)
  for (const m of migrations) {
    if (applied.has(m.version)) continue
    await client.query('BEGIN')
    try {
      if (m.sql) await client.query(m.sql)
      await m.apply?.(client)
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    }
  }
}
