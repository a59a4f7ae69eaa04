import { useEffect, useState } from 'react'
import { docPath } from '../app/router.ts'
import { CheckIcon, LinkIcon } from '../ui/icons.tsx'
import { copyText } from '../ui/clipboard.ts'

type CopyState = 'idle' | 'copied' | 'failed'

/** The link to share. It carries the token, if this document was opened with one, so it works for others too. */
export function shareUrl(docId: string, token: string | null): string {
  const url = new URL(docPath(docId), location.origin)
  if (token) url.searchParams.set('token', token)
  return url.toString()
}

export function CopyLinkButton({ docId, token }: { docId: string; token: string | null }) {
  const [state, setState] = useState<CopyState>('idle')

  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])

  const copy = async () => {
    setState((await copyText(shareUrl(docId, token))) ? 'copied' : 'failed')
  }

  const label = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy link'
  return (
    <button
      type="button"
      className="button button--ghost header-button"
      data-testid="copy-link"
      data-state={state}
      onClick={copy}
      aria-label={label}
      title={state === 'failed' ? 'Could not copy. Copy the address from the address bar instead.' : 'Copy a link to this document'}
    >
      {state === 'copied' ? <CheckIcon /> : <LinkIcon />}
      <span className="header-button__text" aria-live="polite">
        {label}
      </span>
    </button>
  )
}
