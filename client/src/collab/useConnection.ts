import { useSyncExternalStore } from 'react'
import type { ConnectionMonitor, ConnectionSnapshot } from './connectionMonitor.ts'

export function useConnection(monitor: ConnectionMonitor): ConnectionSnapshot {
  return useSyncExternalStore(monitor.subscribe, monitor.getSnapshot)
}
