import { useEffect, useRef, useState } from 'react'
import { docPath } from '../app/router.ts'
import { ROLE_LABELS, type LinkSharing } from '../auth/linkSharing.ts'
import { CheckIcon, LinkIcon } from '../ui/icons.tsx'
import { copyText } from '../ui/clipboard.ts'
import { useDismiss } from '../ui/useDismiss.ts'

type CopyState = 'idle' | 'copied' | 'failed'

/** A link to the document; with `token`, it carries that token and so its rights. */
export function shareUrl(docId: string, token: string | null): string {
  const url = new URL(docPath(docId), location.origin)
  if (token) url.searchParams.set('token', token)
  return url.toString()
}

/** What the button copies and says, by what the token in use may hand out. */
function describe(sharing: Exclude<LinkSharing, { kind: 'owner' }>): { name: string; title: string; carriesToken: boolean } {
  switch (sharing.kind) {
    case 'open':
      return { name: 'Copy link', title: 'Copy a link to this document', carriesToken: false }
    case 'same-token': {
      const grants = ROLE_LABELS[sharing.role]
      return { name: `Copy link (${grants})`, title: `Copy link (${grants}): it carries your access, so whoever opens it ${grants} this document`, carriesToken: true }
    }
    case 'plain':
      return {
        name: 'Copy link (without access)',
        title: 'Copy a link to this document. Your access covers more than this document, so it is not in the link: the recipient needs their own access.',
        carriesToken: false,
      }
  }
}

const NO_ACCESS_NOTE = "Link copied without your access. The recipient needs their own access to open it: ask an owner for a share link."

/**
 * "Copy link" in the editor's header, for everyone but owners (they get
 * Share). It copies the token in use only when that token grants no more
 * than this one document at viewer or editor: the same rights its holder
 * already has.
 */
export function CopyLinkButton({ docId, token, sharing }: { docId: string; token: string | null; sharing: Exclude<LinkSharing, { kind: 'owner' }> }) {
  const [state, setState] = useState<CopyState>('idle')
  const wrapperRef = useRef<HTMLDivElement>(null)
  const { name, title, carriesToken } = describe(sharing)
  // Without the token, say so where it can be seen (a title never shows on touch screens).
  const showNote = sharing.kind === 'plain' && state === 'copied'

  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), showNote ? 8000 : 2000)
    return () => clearTimeout(timer)
  }, [state, showNote])
  useDismiss(showNote, [wrapperRef], () => setState('idle'))

  const copy = async () => {
    setState((await copyText(shareUrl(docId, carriesToken ? token : null))) ? 'copied' : 'failed')
  }

  const label = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy link'
  return (
    <div ref={wrapperRef} className="menu-anchor">
      <button
        type="button"
        className="button button--ghost header-button"
        data-testid="copy-link"
        data-state={state}
        data-sharing={sharing.kind}
        onClick={copy}
        aria-label={state === 'idle' ? name : label}
        title={state === 'failed' ? 'Could not copy. Copy the address from the address bar instead.' : title}
      >
        {state === 'copied' ? <CheckIcon /> : <LinkIcon />}
        <span className="header-button__text" aria-live="polite">
          {label}
        </span>
      </button>
      {/* Present before it has anything to say, so screen readers announce it. */}
      <div role="status" className={showNote ? 'popover copy-note' : 'visually-hidden'} data-testid="copy-link-note">
        {showNote ? NO_ACCESS_NOTE : ''}
      </div>
    </div>
  )
}
