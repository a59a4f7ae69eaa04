import { useEffect, useState, useSyncExternalStore } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { aiJobStates } from '../collab/peers.ts'
import type { Identity } from '../identity/identity.ts'
import type { AcceptUndo } from './acceptUndo.ts'
import { AiJobController } from './aiJobController.ts'
import { IDLE_VIEW, type AiJobView } from './aiJobView.ts'

export interface AiJobHandle {
  controller: AiJobController | null
  view: AiJobView
}

const noopSubscribe = () => () => undefined
const idleSnapshot = () => IDLE_VIEW

/** One controller per open document, created after mount (see useCollabSession). */
export function useAiJob(
  docId: string,
  token: string | null,
  awareness: Awareness,
  getIdentity: () => Identity,
  acceptUndo?: AcceptUndo,
): AiJobHandle {
  const [controller, setController] = useState<AiJobController | null>(null)

  useEffect(() => {
    const created = new AiJobController({
      docId,
      token,
      getIdentity,
      getRoomJobs: () => aiJobStates(awareness.getStates()),
      storage: sessionStorage,
      acceptUndo,
    })
    created.resumeStored()
    setController(created)
    return () => {
      setController(null)
      created.destroy()
    }
    // getIdentity must be stable (it reads a ref), or each render would start over.
  }, [docId, token, awareness, getIdentity, acceptUndo])

  const view = useSyncExternalStore(
    controller?.subscribe ?? noopSubscribe,
    controller?.getSnapshot ?? idleSnapshot,
  )
  return { controller, view }
}
