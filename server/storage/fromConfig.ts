/**
 * The store a server's config names. `createStore` builds it at once (the
 * PostgreSQL store migrates on first use); `openStore` also checks that
 * PostgreSQL is reachable and migrated, so `npm start` fails at start-up,
 * with one line naming the host, rather than at the first edit.
 */
import type { ServerConfig } from '../config.ts'
import type { Logger } from '../log.ts'
import { MemoryStore } from './memory.ts'
import { PostgresStore, type PostgresStoreOptions } from './postgres.ts'
import { SqliteStore } from './sqlite.ts'
import type { DocStore } from './types.ts'

type StoreConfig = Pick<ServerConfig, 'storage' | 'dataDir' | 'sqliteSynchronous' | 'databaseUrl'>

/** Where a store reports the size of each group commit (the server's metrics). */
export type OnCommit = (requests: number) => void

export function createStore(config: StoreConfig, log: Logger, onCommit?: OnCommit): DocStore {
  switch (config.storage) {
    case 'memory':
      return new MemoryStore()
    case 'sqlite':
      return new SqliteStore({ dataDir: config.dataDir, synchronous: config.sqliteSynchronous, ...(onCommit && { onCommit }) })
    case 'postgres':
      return new PostgresStore(postgresOptions(config, log, onCommit))
  }
}

/** Like `createStore`, but fails with `StorageUnavailableError` when PostgreSQL cannot be reached or migrated. */
export async function openStore(config: StoreConfig, log: Logger, onCommit?: OnCommit): Promise<DocStore> {
  if (config.storage === 'postgres') return PostgresStore.open(postgresOptions(config, log, onCommit))
  return createStore(config, log, onCommit)
}

function postgresOptions(config: StoreConfig, log: Logger, onCommit?: OnCommit): PostgresStoreOptions {
  return {
    url: config.databaseUrl!,
    onIdleError: (err) => log.warn(`PostgreSQL connection lost: ${err.message}`),
    ...(onCommit && { onCommit }),
  }
}
