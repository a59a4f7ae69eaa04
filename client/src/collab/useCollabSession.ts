import { useEffect, useState } from 'react'
import { createCollabSession, type CollabSession } from './session.ts'

/**
 * One session per mounted document. It is created in an effect (not during
 * render) so React's development double-mount cleanly destroys the first.
 */
export function useCollabSession(docId: string, token: string | null): CollabSession | null {
  const [session, setSession] = useState<CollabSession | null>(null)
  useEffect(() => {
    const created = createCollabSession(docId, token)
    setSession(created)
    return () => {
      setSession(null)
      created.destroy()
    }
  }, [docId, token])
  return session
}
