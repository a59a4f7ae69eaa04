/**
 * Whether this device has a copy of a document worth opening offline: the
 * IndexedDB database y-indexeddb keeps under the document's id, holding more
 * than an empty document (y-indexeddb stores the state it starts with, two
 * bytes for an empty Y.Doc). Asking never creates the database: an open that
 * would create it is aborted in its upgrade.
 */
const EMPTY_UPDATE_BYTES = 2

export function hasLocalCopy(docId: string): Promise<boolean> {
  return new Promise((resolve) => {
    let request: IDBOpenDBRequest
    try {
      request = indexedDB.open(docId)
    } catch {
      resolve(false)
      return
    }
    // No such database: abort, so the question leaves nothing behind (onerror follows).
    request.onupgradeneeded = () => request.transaction?.abort()
    request.onerror = () => resolve(false)
    request.onblocked = () => resolve(false)
    request.onsuccess = () => {
      const db = request.result
      const done = (found: boolean) => {
        db.close()
        resolve(found)
      }
      try {
        if (!db.objectStoreNames.contains('updates')) return done(false)
        const tx = db.transaction('updates', 'readonly')
        const cursor = tx.objectStore('updates').openCursor()
        let found = false
        cursor.onsuccess = () => {
          const at = cursor.result
          if (!at) return
          if (at.value instanceof Uint8Array && at.value.byteLength > EMPTY_UPDATE_BYTES) found = true
          else at.continue()
        }
        tx.oncomplete = () => done(found)
        tx.onerror = tx.onabort = () => done(false)
      } catch {
        done(false)
      }
    }
  })
}
