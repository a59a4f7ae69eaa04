import { SqliteStore } from '../../server/storage/sqlite.ts'
import { tempDir } from '../support/tempDir.ts'
import { storageContract } from './contract.ts'

const dirs = new WeakMap<object, string>()

storageContract({
  name: 'sqlite',
  create: async () => {
    const dir = tempDir()
    const store = new SqliteStore({ dataDir: dir })
    dirs.set(store, dir)
    return store
  },
  reopen: async (store) => {
    const dir = dirs.get(store)!
    await store.close()
    const again = new SqliteStore({ dataDir: dir })
    dirs.set(again, dir)
    return again
  },
})
