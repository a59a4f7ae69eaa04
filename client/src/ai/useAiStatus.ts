import { useEffect, useState } from 'react'
import type { AiStatusResponse } from '../../../shared/index.ts'
import { fetchAiStatus } from './aiApi.ts'

/**
 * `unknown` (still loading, or the server could not be asked) lets requests
 * through: the server's answer to the request is the final word anyway.
 */
export type AiAvailability =
  | { state: 'unknown' }
  | { state: 'ready'; model: string | null }
  | { state: 'not-configured'; message: string }

const DEFAULT_HELP = 'AI is not configured on this server. Ask the administrator to set an API key and restart it.'

export function useAiStatus(token: string | null): AiAvailability {
  const [availability, setAvailability] = useState<AiAvailability>({ state: 'unknown' })
  useEffect(() => {
    const controller = new AbortController()
    fetchAiStatus(token, controller.signal)
      .then((status) =>
        setAvailability(
          status.configured
            ? { state: 'ready', model: status.model }
            : { state: 'not-configured', message: status.message ?? DEFAULT_HELP },
        ),
      )
      .catch(() => {
        if (!controller.signal.aborted) setAvailability({ state: 'unknown' })
      })
    return () => controller.abort()
  }, [token])
  return availability
}
