import { useCallback, useEffect, useState } from 'react'
import { IDENTITY_STORAGE_KEY, loadIdentity, parseIdentity, saveIdentity, type Identity } from './identity.ts'

export interface IdentityHandle {
  identity: Identity
  update: (changes: Partial<Pick<Identity, 'name' | 'color'>>) => void
}

/** The person's identity, persisted, and kept in step across open tabs. */
export function useIdentity(): IdentityHandle {
  const [identity, setIdentity] = useState<Identity>(() => loadIdentity(localStorage))

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== IDENTITY_STORAGE_KEY) return
      const next = parseIdentity(event.newValue)
      if (next) setIdentity(next)
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [])

  // Persisting on every change also re-saves what another tab wrote: harmless.
  useEffect(() => saveIdentity(localStorage, identity), [identity])

  const update = useCallback((changes: Partial<Pick<Identity, 'name' | 'color'>>) => {
    setIdentity((current) => ({ ...current, ...changes }))
  }, [])

  return { identity, update }
}
