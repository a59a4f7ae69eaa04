import { useEffect, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { peersFromStates, type Peer } from './peers.ts'

/** Everyone in the room (including AI participants), updated live. */
export function usePeers(awareness: Awareness): Peer[] {
  const [peers, setPeers] = useState<Peer[]>(() => read(awareness))
  useEffect(() => {
    const onChange = () => setPeers(read(awareness))
    onChange()
    awareness.on('change', onChange)
    return () => awareness.off('change', onChange)
  }, [awareness])
  return peers
}

function read(awareness: Awareness): Peer[] {
  return peersFromStates(awareness.getStates() as Map<number, Record<string, unknown>>, awareness.clientID)
}
