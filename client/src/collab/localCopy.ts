/**
 * The device-local copy of a document is the IndexedDB database that
 * y-indexeddb names after the document (`new IndexeddbPersistence(docId, …)`).
 * Deleting it directly keeps Yjs out of the home page's bundle.
 */
export function deleteLocalCopy(docId: string): Promise<void> {
  return new Promise((resolve) => {
    try {
      const request = indexedDB.deleteDatabase(docId)
      // Blocked (another tab has it open) still deletes once that tab closes it.
      request.onsuccess = request.onerror = request.onblocked = () => resolve()
    } catch {
      resolve()
    }
  })
}
