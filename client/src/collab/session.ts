/**
 * Everything one open document needs for collaboration: the Y.Doc, the
 * server connection, the local IndexedDB copy and the connection monitor.
 * Created when the editor page mounts and destroyed when it unmounts.
 */
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { ConnectionMonitor } from './connectionMonitor.ts'

export interface CollabSession {
  docId: string
  ydoc: Y.Doc
  provider: WebsocketProvider
  persistence: IndexeddbPersistence
  connection: ConnectionMonitor
  destroy: () => void
}

export function collabServerUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/collab`
}

export function createCollabSession(docId: string, token: string | null): CollabSession {
  const ydoc = new Y.Doc()
  // The local copy loads in parallel with the network; Yjs merges both.
  const persistence = new IndexeddbPersistence(docId, ydoc)
  const provider = new WebsocketProvider(collabServerUrl(), docId, ydoc, {
    connect: false,
    params: token ? { token } : {},
  })
  // Listeners first, then connect, so the monitor sees the very first socket.
  const connection = new ConnectionMonitor(provider)
  provider.connect()

  return {
    docId,
    ydoc,
    provider,
    persistence,
    connection,
    destroy: () => {
      connection.destroy()
      provider.destroy()
      void persistence.destroy()
      ydoc.destroy()
    },
  }
}
